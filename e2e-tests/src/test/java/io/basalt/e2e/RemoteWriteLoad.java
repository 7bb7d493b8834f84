package io.basalt.e2e;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady remote-write sender with a ledger, behaving like an agent with an unbounded retry queue: every step it
 * queues one sample for each of {@code series} series ({@code drill_load{drill, series}}); a sender posts the
 * oldest queued steps to the insert nodes in turn, retries 5xx and connection failures with back-off on the next
 * node, and drops on 4xx, as Prometheus does. The ledger says, per drill label, which steps were sent and which were
 * acknowledged with a 2xx, so a test can hold the cluster to its promise.
 */
final class RemoteWriteLoad implements AutoCloseable {

    static final String METRIC = "drill_load";

    /** Most steps in one request; after an outage the backlog drains in requests of this size. */
    private static final int MAX_STEPS_PER_REQUEST = 25;

    /** Far more than any drill queues (a 10-minute outage at 5 steps/s is 3,000 steps). */
    private static final int MAX_QUEUED_STEPS = 100_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> writeUrls;

    private final int series;

    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "remote-write-load");
        t.setDaemon(true);
        return t;
    });

    private final ArrayDeque<Step> queue = new ArrayDeque<>();

    private final Map<String, Set<Long>> sent = new ConcurrentHashMap<>();

    private final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();

    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();

    private final AtomicLong connectionFailures = new AtomicLong();

    private final AtomicLong ackedSamples = new AtomicLong();

    private volatile String drill = "warmup";

    private volatile boolean producing = true;

    private volatile boolean sending = true;

    private long lastTimestamp;

    private int nextUrl;

    private record Step(String drill, long timestamp) {
    }

    /** @param writeUrls remote-write URLs of the insert nodes, tried in turn */
    RemoteWriteLoad(List<String> writeUrls, int series, Duration stepInterval) {
        this.writeUrls = List.copyOf(writeUrls);
        this.series = series;
        threads.scheduleAtFixedRate(this::produce, 0, stepInterval.toMillis(), TimeUnit.MILLISECONDS);
        threads.submit(this::send);
    }

    /** Steps queued from now on carry this drill label. */
    void drill(String name) {
        drill = name;
    }

    int series() {
        return series;
    }

    /** Samples acknowledged so far, over all drills. */
    long acknowledgedSamples() {
        return ackedSamples.get();
    }

    /** Timestamps of the steps queued under {@code drill}; each step is one sample in every series. */
    Set<Long> sentSteps(String drillName) {
        return sent.getOrDefault(drillName, Set.of());
    }

    Set<Long> acknowledgedSteps(String drillName) {
        return acknowledged.getOrDefault(drillName, Set.of());
    }

    /** HTTP statuses seen, with -1 for a request that got no answer. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.get()));
        if (connectionFailures.get() > 0) {
            out.put(-1, connectionFailures.get());
        }
        return out;
    }

    /** Stops queueing steps and waits until the queue is empty; false if it is not within {@code timeout}. */
    boolean drain(Duration timeout) throws InterruptedException {
        producing = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    private void produce() {
        if (!producing) {
            return;
        }
        synchronized (queue) {
            if (queue.size() >= MAX_QUEUED_STEPS) {
                return;
            }
            // Strictly increasing, so a retried step never overwrites another and every step is one sample.
            long ts = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
            lastTimestamp = ts;
            Step step = new Step(drill, ts);
            queue.addLast(step);
            sent.computeIfAbsent(step.drill(), d -> new ConcurrentSkipListSet<>()).add(ts);
        }
    }

    private void send() {
        long backoffMillis = 50;
        while (sending) {
            List<Step> batch = new ArrayList<>();
            synchronized (queue) {
                for (Step s : queue) {
                    if (batch.size() == MAX_STEPS_PER_REQUEST) {
                        break;
                    }
                    batch.add(s);
                }
            }
            if (batch.isEmpty()) {
                pause(20);
                continue;
            }
            int status = post(RemoteWriteEncoder.encode(encode(batch)));
            if (status / 100 == 2 || status / 100 == 4) {
                if (status / 100 == 2) {
                    for (Step s : batch) {
                        acknowledged.computeIfAbsent(s.drill(), d -> new ConcurrentSkipListSet<>()).add(s.timestamp());
                    }
                    ackedSamples.addAndGet((long) batch.size() * series);
                }
                synchronized (queue) {
                    for (int i = 0; i < batch.size(); i++) {
                        queue.removeFirst(); // only this thread removes, so these are the batch's steps
                    }
                }
                backoffMillis = 50;
            }
            else {
                nextUrl++;
                pause(backoffMillis);
                backoffMillis = Math.min(1_000, backoffMillis * 2);
            }
        }
    }

    private List<TimeSeries> encode(List<Step> batch) {
        Map<String, List<Step>> byDrill = new LinkedHashMap<>();
        for (Step s : batch) {
            byDrill.computeIfAbsent(s.drill(), d -> new ArrayList<>()).add(s);
        }
        List<TimeSeries> out = new ArrayList<>();
        byDrill.forEach((drillName, steps) -> {
            for (int i = 0; i < series; i++) {
                long[] ts = new long[steps.size()];
                double[] vs = new double[steps.size()];
                for (int k = 0; k < ts.length; k++) {
                    ts[k] = steps.get(k).timestamp();
                    vs[k] = i;
                }
                out.add(new TimeSeries(Labels.of("__name__", METRIC, "drill", drillName, "series",
                        Integer.toString(i)), ts, vs));
            }
        });
        return out;
    }

    private int post(byte[] body) {
        String url = writeUrls.get(Math.floorMod(nextUrl, writeUrls.size()));
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
            return r.statusCode();
        }
        catch (IOException e) {
            connectionFailures.incrementAndGet();
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sending = false;
            return -1;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        producing = false;
        sending = false;
        threads.shutdownNow();
    }
}
