package io.basalt.bench.insert;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote-write load generator: {@code series} node_exporter-like series, sent round after round (one sample per
 * series per round, 15 s apart) as snappy bodies of {@code seriesPerRequest} series over {@code connections}
 * concurrent senders. Rounds go out in order, as a Prometheus shard would send them; within a round, requests run
 * in parallel. Bodies are encoded before the clock starts, so the sender's own CPU stays out of the figures.
 */
public final class RemoteWriteLoad {

    private static final String[] METRICS = { "node_cpu_seconds_total", "node_memory_bytes", "node_disk_io_total",
        "node_network_bytes_total", "http_requests_total", "http_request_duration_seconds_bucket",
        "process_open_fds", "go_gc_duration_seconds", "node_filesystem_avail_bytes", "up" };

    private final List<Labels> labels;

    private final int seriesPerRequest;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    public RemoteWriteLoad(int series, int seriesPerRequest) {
        this.seriesPerRequest = seriesPerRequest;
        this.labels = new ArrayList<>(series);
        for (int i = 0; i < series; i++) {
            labels.add(Labels.of("__name__", METRICS[i % METRICS.length], "job", "node",
                    "instance", "host-" + (i / 1000) + ":9100", "cpu", Integer.toString(i / 10 % 100),
                    "mode", "m" + (i % 7)));
        }
    }

    /** The bodies of one round: every series once, at {@code timestamp}, with values that drift like counters. */
    public List<byte[]> round(long timestamp, int round) {
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < labels.size(); from += seriesPerRequest) {
            List<TimeSeries> batch = new ArrayList<>(seriesPerRequest);
            for (int i = from; i < Math.min(labels.size(), from + seriesPerRequest); i++) {
                batch.add(TimeSeries.single(labels.get(i), timestamp, i * 10.0 + round * (i % 13) * 0.25));
            }
            bodies.add(RemoteWriteEncoder.encode(batch));
        }
        return bodies;
    }

    public int series() {
        return labels.size();
    }

    /** What one run achieved. */
    public record Result(long samples, long failedRequests, long nanos) {
        public double samplesPerSecond() {
            return samples / (nanos / 1e9);
        }
    }

    /** Sends every round in order; a request that fails is counted, not retried. */
    public Result send(String url, List<List<byte[]>> rounds, int connections) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicLong samples = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try {
            for (List<byte[]> round : rounds) {
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> workers = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    workers.add(pool.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < round.size()) {
                            if (post(url, round.get(i))) {
                                samples.addAndGet(Math.min(seriesPerRequest, labels.size() - i * seriesPerRequest));
                            }
                            else {
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get();
                }
            }
        }
        finally {
            pool.shutdown();
        }
        return new Result(samples.get(), failed.get(), System.nanoTime() - start);
    }

    private boolean post(String url, byte[] body) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
                .header("X-Prometheus-Remote-Write-Version", RemoteWriteEncoder.VERSION_HEADER_VALUE)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
