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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage node's promise to insert nodes: a 204 means the samples are stored. Writers insert continuously over
 * the internal API while a flusher forces head flushes; the process is killed with SIGKILL at a random moment,
 * restarted on the same data path, and every acknowledged sample must come back from {@code /internal/search} with
 * the very same bits (values are random bit patterns, so NaN payloads and the staleness marker are among them).
 */
class StorageCrashIT {

    private static final int ROUNDS = 4;

    private static final int SERIES = 300;

    private static final int SAMPLES_PER_SERIES = 5;

    private static final int SERIES_PER_REQUEST = 60;

    private static final TenantId TENANT = new TenantId(3, 1);

    /** Recent, so inside the default retention; each request takes fresh timestamps, so no sample is rewritten. */
    private static final long T0 = System.currentTimeMillis() - 6 * 3_600_000L;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** series label "id" → timestamp → raw value bits, for acknowledged samples only. */
    private final Map<Integer, Map<Long, Long>> acknowledged = new ConcurrentHashMap<>();

    private final AtomicLong nextTimestamp = new AtomicLong(T0);

    @Test
    void everyAcknowledgedSampleSurvivesKillNineBitForBit(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path data = dir.resolve("storage");
        List<String> args = List.of("--basalt.storage.data-path=" + data);
        long acknowledgedBefore = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            ServiceProcess node = ServiceProcess.start("crash-storage-" + round, "storage-service", args);
            try {
                node.awaitReady(Duration.ofSeconds(120));
                verify(node, "after restart " + (round - 1) + " (seed " + seed + ")");
                long runMillis = 1_000 + random.nextInt(3_000);
                ingestUntilKilled(node, runMillis, random.nextLong());
            }
            finally {
                node.kill();
            }
            long total = samplesAcknowledged();
            assertThat(total).as("round %d acknowledged something", round).isGreaterThan(acknowledgedBefore);
            System.out.printf("StorageCrashIT round %d: killed after %d acknowledged samples in total (seed %d)%n",
                    round, total, seed);
            acknowledgedBefore = total;
        }
        try (ServiceProcess node = ServiceProcess.start("crash-storage-final", "storage-service", args)) {
            node.awaitReady(Duration.ofSeconds(120));
            verify(node, "after the last kill (seed " + seed + ")");
        }
    }

    /** Two writers and a flusher run for {@code runMillis}; the node is then killed while they still send. */
    private void ingestUntilKilled(ServiceProcess node, long runMillis, long seed) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService workers = Executors.newFixedThreadPool(3);
        for (int w = 0; w < 2; w++) {
            long writerSeed = seed + w;
            workers.submit(() -> write(node, running, new Random(writerSeed)));
        }
        workers.submit(() -> flush(node, running, new Random(seed - 1)));
        Thread.sleep(runMillis);
        node.kill(); // while requests are in flight: those never acknowledged may or may not be stored
        running.set(false);
        workers.shutdown();
        assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private void write(ServiceProcess node, AtomicBoolean running, Random random) {
        while (running.get()) {
            int first = random.nextInt(SERIES - SERIES_PER_REQUEST);
            long t = nextTimestamp.getAndAdd(SAMPLES_PER_SERIES);
            List<TimeSeries> batch = new ArrayList<>();
            for (int s = first; s < first + SERIES_PER_REQUEST; s++) {
                long[] ts = new long[SAMPLES_PER_SERIES];
                double[] vs = new double[SAMPLES_PER_SERIES];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = t + i;
                    vs[i] = Double.longBitsToDouble(random.nextLong());
                }
                batch.add(new TimeSeries(labels(s), ts, vs));
            }
            try {
                HttpResponse<String> r = http.send(post(node, "/internal/insert",
                        RowsCodec.encode(TENANT, batch)), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 204) {
                    for (int s = first; s < first + SERIES_PER_REQUEST; s++) {
                        TimeSeries ts = batch.get(s - first);
                        Map<Long, Long> samples = acknowledged.computeIfAbsent(s, k -> new ConcurrentHashMap<>());
                        for (int i = 0; i < ts.size(); i++) {
                            samples.put(ts.timestamp(i), Double.doubleToRawLongBits(ts.value(i)));
                        }
                    }
                }
            }
            catch (IOException | InterruptedException e) {
                return; // the node is gone
            }
        }
    }

    private void flush(ServiceProcess node, AtomicBoolean running, Random random) {
        while (running.get()) {
            try {
                Thread.sleep(100 + random.nextInt(400));
                http.send(post(node, "/internal/force_flush", new byte[0]), HttpResponse.BodyHandlers.discarding());
            }
            catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private void verify(ServiceProcess node, String when) throws IOException, InterruptedException {
        SearchQuery all = new SearchQuery(TENANT, T0 - 1, nextTimestamp.get() + 1_000, List.of(), 0);
        HttpResponse<byte[]> r = http.send(post(node, "/internal/search", all.encode()),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<Integer, Map<Long, Long>> stored = new HashMap<>();
        for (TimeSeries ts : RowsCodec.decode(r.body()).series()) {
            Map<Long, Long> samples = stored.computeIfAbsent(Integer.parseInt(ts.labels().get("id")),
                    k -> new HashMap<>());
            for (int i = 0; i < ts.size(); i++) {
                samples.put(ts.timestamp(i), Double.doubleToRawLongBits(ts.value(i)));
            }
        }
        long missing = 0;
        long different = 0;
        for (var series : acknowledged.entrySet()) {
            Map<Long, Long> got = stored.getOrDefault(series.getKey(), Map.of());
            for (var sample : series.getValue().entrySet()) {
                Long bits = got.get(sample.getKey());
                if (bits == null) {
                    missing++;
                }
                else if (bits.longValue() != sample.getValue()) {
                    different++;
                }
            }
        }
        assertThat(missing).as("acknowledged samples missing %s", when).isZero();
        assertThat(different).as("acknowledged samples with other bits %s", when).isZero();
    }

    private long samplesAcknowledged() {
        return acknowledged.values().stream().mapToLong(Map::size).sum();
    }

    private static Labels labels(int id) {
        return Labels.of("__name__", "crash_test", "id", Integer.toString(id));
    }

    private static HttpRequest post(ServiceProcess node, String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    }
}
