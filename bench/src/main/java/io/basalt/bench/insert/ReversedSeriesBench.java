package io.basalt.bench.insert;

import static io.basalt.bench.insert.ServerProcess.jarCommand;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One remote-write series whose samples arrive in descending time order (a backfill sent newest first), through an
 * insert-service and a storage-service started as {@code ./basalt up} starts them: the time until the write is
 * acknowledged, and how long a small ordinary write sent right behind it waits. Run from the repository root after
 * packaging insert-service, storage-service and bench: {@code java -cp "bench/target/classes:$(cat
 * bench/target/classpath.txt)" io.basalt.bench.insert.ReversedSeriesBench samples=300000}.
 */
public final class ReversedSeriesBench {

    private ReversedSeriesBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0].replace("samples=", "")) : 300_000;
        Path work = Files.createTempDirectory("reversed-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int storagePort = ServerProcess.freePort();
        int insertPort = ServerProcess.freePort();
        long now = System.currentTimeMillis();
        long[] ts = new long[samples];
        double[] vs = new double[samples];
        for (int i = 0; i < samples; i++) {
            ts[i] = now - i * 1_000L; // newest first, one per second: about 3.5 days for 300,000
            vs[i] = i;
        }
        byte[] reversed = RemoteWriteEncoder.encode(List.of(new TimeSeries(Labels.of("__name__", "backfilled",
                "job", "bench"), ts, vs)));
        byte[] ordinary = RemoteWriteEncoder.encode(List.of(TimeSeries.single(Labels.of("__name__", "up", "job",
                "bench"), now, 1)));
        try (ServerProcess storage = ServerProcess.start("storage", storagePort, jarCommand(java, "storage-service",
                "--server.port=" + storagePort, "--server.address=127.0.0.1",
                "--basalt.storage.data-path=" + work.resolve("storage")), work.resolve("logs/storage.log"));
                ServerProcess insert = ServerProcess.start("insert", insertPort, jarCommand(java, "insert-service",
                        "--server.port=" + insertPort, "--server.address=127.0.0.1",
                        "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:"
                                + storagePort), work.resolve("logs/insert.log"))) {
            storage.awaitHttp("/actuator/health/readiness", Duration.ofSeconds(180));
            insert.awaitHttp("/actuator/health/readiness", Duration.ofSeconds(180));
            HttpClient http = HttpClient.newHttpClient();
            String url = insert.url() + "/insert/0/prometheus/api/v1/write";
            send(http, url, ordinary); // connections and first-use class loading out of the way
            for (String round : new String[] { "first (cold JIT)", "second" }) {
                measure(http, url, round, reversed, ordinary, samples);
                reversed = RemoteWriteEncoder.encode(List.of(new TimeSeries(Labels.of("__name__", "backfilled",
                        "job", "bench", "round", "2"), ts, vs)));
            }
        }
    }

    private static void measure(HttpClient http, String url, String round, byte[] reversed, byte[] ordinary,
            int samples) throws Exception {
        {
            long start = System.nanoTime();
            var big = http.sendAsync(request(url, reversed), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(50);
            long smallStart = System.nanoTime();
            int smallStatus = send(http, url, ordinary);
            double smallMs = (System.nanoTime() - smallStart) / 1e6;
            HttpResponse<String> bigAnswer = big.get();
            double bigMs = (System.nanoTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %,d samples in descending order | HTTP %d after %.0f ms | "
                    + "ordinary write sent 50 ms later: HTTP %d after %.0f ms |%n", round, samples,
                    bigAnswer.statusCode(), bigMs, smallStatus, smallMs);
        }
    }

    private static HttpRequest request(String url, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
            .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static int send(HttpClient http, String url, byte[] body) throws Exception {
        return http.send(request(url, body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
