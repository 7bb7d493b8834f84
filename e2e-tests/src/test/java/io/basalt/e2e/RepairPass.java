package io.basalt.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** One repair pass asked of an insert node with the repairer ({@code POST /internal/repair}) and awaited. */
final class RepairPass {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RepairPass() {
    }

    /**
     * Starts a pass and waits, bounded, until it is over; fails if it was refused, did not end in time, or a block of
     * it failed.
     *
     * @return the repair section of the insert node's status after the pass
     */
    static JsonNode run(ServiceProcess insert, Duration timeout) throws IOException, InterruptedException {
        long passes = of(insert).path("passesTotal").asLong();
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create(insert.baseUrl()
                + "/internal/repair")).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new AssertionError("a repair pass was refused: " + started.statusCode() + " " + started.body());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode repair = of(insert);
        while (repair.path("passesTotal").asLong() <= passes || repair.path("running").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the repair pass did not finish within " + timeout + ": " + repair);
            }
            Thread.sleep(200);
            repair = of(insert);
        }
        if (repair.path("blockFailuresTotal").asLong() != 0) {
            throw new AssertionError("blocks of the repair pass failed: " + repair);
        }
        return repair;
    }

    /** The repair section of an insert node's {@code /api/v1/status}. */
    static JsonNode of(ServiceProcess insert) throws IOException, InterruptedException {
        return insert.status().path("data").path("repair");
    }
}
