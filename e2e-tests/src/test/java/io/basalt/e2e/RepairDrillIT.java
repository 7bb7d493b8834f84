package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The anti-entropy drill of docs/reliability.md on real processes: two storage nodes, every series on both, one
 * insert node with the repairer. storage-2 loses its whole data directory while it is down, and later is restored
 * from an older copy of it; each time, one repair pass started with {@code POST /internal/repair} refills it, checked
 * replica by replica through storage's {@code /internal/search}, not through select's merged answers.
 */
class RepairDrillIT {

    private static final TenantId TENANT = new TenantId(7, 0);

    private static final long HOUR = 3_600_000;

    /** Data lies in hour blocks that closed well before the test: the repairer compares only closed blocks. */
    private static final long T0 = (System.currentTimeMillis() / HOUR - 4) * HOUR;

    private static final int SERIES = 300;

    private static final Duration PASS_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void aNodeThatLostItsDataOrWasRestoredFromAnOldCopyIsRefilledByTheRepairer() throws Exception {
        Path data2 = dir.resolve("storage-2");
        try (ServiceProcess storage1 = ServiceProcess.start("repair-storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("storage-1")))) {
            ServiceProcess storage2 = ServiceProcess.start("repair-storage-2-a", "storage-service",
                    List.of("--basalt.storage.data-path=" + data2));
            try (ServiceProcess insert = ServiceProcess.start("repair-insert", "insert-service", insertArgs(storage1,
                    storage2))) {
                storage1.awaitReady(Duration.ofSeconds(120));
                storage2.awaitReady(Duration.ofSeconds(120));
                insert.awaitReady(Duration.ofSeconds(120));

                importSeries(insert, "repair_a", 0);
                Map<Labels, TimeSeries> expected = held(storage1);
                assertThat(expected).hasSize(SERIES);
                assertThat(held(storage2)).as("both replicas got every write").isEqualTo(expected);

                // Drill 1: the data directory is lost while the node is down.
                storage2.kill();
                deleteRecursively(data2);
                storage2 = restart(storage2, "repair-storage-2-b", data2);
                assertThat(held(storage2)).as("storage-2 starts empty").isEmpty();

                JsonNode pass = repair(insert);
                assertThat(held(storage2)).as("storage-2 refilled from storage-1").isEqualTo(expected);
                assertThat(pass.path("samplesCopiedTotal").asLong()).isEqualTo(SERIES * samplesPerSeries());
                assertThat(pass.path("lagSeconds").asDouble()).isZero();

                // Drill 2: the node is restored from a copy of its data directory older than the latest writes.
                Path old = dir.resolve("storage-2-old");
                String snapshot = JSON.readTree(post(storage2, "/snapshot/create", new byte[0]).body())
                    .path("snapshot").asString();
                copy(data2.resolve("snapshots").resolve(snapshot), old);
                importSeries(insert, "repair_b", 1);
                expected = held(storage1);
                assertThat(expected).hasSize(2 * SERIES);
                storage2.kill();
                deleteRecursively(data2);
                copy(old, data2);
                storage2 = restart(storage2, "repair-storage-2-c", data2);
                assertThat(held(storage2)).as("the old copy lacks the later writes").hasSize(SERIES);

                long copiedBefore = pass.path("samplesCopiedTotal").asLong();
                pass = repair(insert);
                assertThat(held(storage2)).as("storage-2 refilled after the restore").isEqualTo(expected);
                assertThat(held(storage1)).as("storage-1 was given nothing it did not have").isEqualTo(expected);
                assertThat(pass.path("samplesCopiedTotal").asLong() - copiedBefore)
                    .isEqualTo(SERIES * samplesPerSeries());
            }
            finally {
                storage2.close();
            }
        }
    }

    private static List<String> insertArgs(ServiceProcess storage1, ServiceProcess storage2) {
        List<String> args = new ArrayList<>(ServiceProcess.discoveryArgs("storage", storage1, storage2));
        args.add("--basalt.insert.replication-factor=2");
        args.add("--basalt.insert.storage-backoff=1s");
        args.add("--basalt.insert.repair.enabled=true");
        args.add("--basalt.insert.repair.initial-delay=1h"); // only the passes the drill starts
        args.add("--basalt.insert.repair.lookback=PT6H");
        args.add("--basalt.insert.repair.bytes-per-second=67108864");
        return args;
    }

    private ServiceProcess restart(ServiceProcess old, String name, Path data) throws Exception {
        ServiceProcess node = ServiceProcess.start(name, "storage-service", old.port(),
                List.of("--basalt.storage.data-path=" + data));
        node.awaitReady(Duration.ofSeconds(120));
        return node;
    }

    private JsonNode repair(ServiceProcess insert) throws Exception {
        return RepairPass.run(insert, PASS_TIMEOUT);
    }

    /** {@link #SERIES} series of {@code metric}, a sample every 30 s over two closed hours, via insert's import. */
    private void importSeries(ServiceProcess insert, String metric, int seed) throws Exception {
        StringBuilder body = new StringBuilder();
        int n = samplesPerSeries();
        for (int s = 0; s < SERIES; s++) {
            body.append("{\"metric\":{\"__name__\":\"").append(metric).append("\",\"id\":\"").append(s)
                .append("\"},\"values\":[");
            for (int i = 0; i < n; i++) {
                body.append(i == 0 ? "" : ",").append(seed * 1000 + s + i * 0.5);
            }
            body.append("],\"timestamps\":[");
            for (int i = 0; i < n; i++) {
                body.append(i == 0 ? "" : ",").append(T0 + i * 30_000L);
            }
            body.append("]}\n");
        }
        HttpResponse<String> r = post(insert, "/insert/" + TENANT.accountId() + "/prometheus/api/v1/import",
                body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    private static int samplesPerSeries() {
        return 2 * 120;
    }

    /** Everything one replica holds of the tenant, read from that node alone. */
    private Map<Labels, TimeSeries> held(ServiceProcess storage) throws IOException, InterruptedException {
        SearchQuery q = new SearchQuery(TENANT, T0 - HOUR, T0 + 3 * HOUR, List.of(), 0);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(storage.baseUrl() + "/internal/search"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(q.encode()))
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<Labels, TimeSeries> out = new HashMap<>();
        RowsCodec.decode(r.body()).series().forEach(ts -> out.put(ts.labels(), ts));
        return out;
    }

    private HttpResponse<String> post(ServiceProcess node, String path, byte[] body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void copy(Path from, Path to) throws Exception {
        java.nio.file.Files.createDirectories(to);
        Process cp = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).inheritIO().start();
        assertThat(cp.waitFor(60, TimeUnit.SECONDS)).as("cp finished").isTrue();
        assertThat(cp.exitValue()).isZero();
    }

    private static void deleteRecursively(Path path) throws Exception {
        Process rm = new ProcessBuilder("rm", "-rf", path.toString()).inheritIO().start();
        assertThat(rm.waitFor(60, TimeUnit.SECONDS)).as("rm finished").isTrue();
        assertThat(rm.exitValue()).isZero();
    }
}
