package io.basalt.agent.remotewrite;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.queue.DiskQueue;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.SampleSink;
import io.basalt.scrape.config.RemoteWriteConfig;
import io.basalt.scrape.http.CredentialException;
import io.basalt.scrape.http.RequestAuthorization;
import io.basalt.scrape.http.RetryBackoff;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import io.basalt.wire.remotewrite.WriteRequestBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything between the scrape side and one {@code remote_write} URL: adds external labels (the series' own value
 * wins), applies {@code write_relabel_configs}, cuts batches of at most {@code max_samples_per_send} samples (or
 * whatever arrived within {@code batch_send_deadline}), stores each batch as an encoded request in a
 * {@link DiskQueue}, and sends from it with parallel shards. A 5xx, a 429 or no answer is retried with exponential
 * back-off between {@code min_backoff} and {@code max_backoff}; another 4xx will never succeed, so the batch is
 * dropped and counted. Batches are acked only once delivered, so a restart resends what was in flight.
 */
public final class RemoteWriteQueue implements SampleSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteWriteQueue.class);

    private final RemoteWriteConfig config;

    private final Labels externalLabels;

    private final Relabeler relabeler;

    private final DiskQueue disk;

    private final RemoteWriteTransport transport;

    private final RemoteWriteMetrics metrics;

    private final Map<String, String> headers;

    private final RequestAuthorization authorization;

    private final List<Thread> shards = new ArrayList<>();

    private final ScheduledExecutorService ticker;

    private final Object batchLock = new Object();

    /** The open batch, already encoded; guarded by {@link #batchLock}. */
    private final WriteRequestBuffer batch = new WriteRequestBuffer(64 * 1024);

    private long batchStartedNanos;

    private volatile boolean running = true;

    private volatile String lastError = "";

    private volatile long lastSuccessMillis;

    public RemoteWriteQueue(RemoteWriteConfig config, Labels externalLabels, DiskQueue disk,
            RemoteWriteTransport transport, int shardCount, Duration fsyncInterval, RemoteWriteMetrics metrics) {
        this.config = config;
        this.externalLabels = externalLabels;
        this.relabeler = Relabeler.of(config.writeRelabelConfigs());
        this.disk = disk;
        this.transport = transport;
        this.metrics = metrics;
        Map<String, String> h = new LinkedHashMap<>(config.headers());
        h.put("Content-Type", RemoteWriteEncoder.CONTENT_TYPE);
        h.put("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING);
        h.put("X-Prometheus-Remote-Write-Version", RemoteWriteEncoder.VERSION_HEADER_VALUE);
        h.put("User-Agent", "basalt-agent");
        this.headers = Map.copyOf(h);
        this.authorization = RequestAuthorization.of(config.http());
        String name = config.name().isEmpty() ? config.url().getHost() : config.name();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "remote-write-ticker-" + name);
            t.setDaemon(true);
            return t;
        });
        long deadline = Math.max(10, config.queue().batchSendDeadline().toMillis() / 4);
        ticker.scheduleWithFixedDelay(this::flushIfDue, deadline, deadline, TimeUnit.MILLISECONDS);
        long sync = Math.max(10, fsyncInterval.toMillis());
        ticker.scheduleWithFixedDelay(this::syncQuietly, sync, sync, TimeUnit.MILLISECONDS);
        int n = Math.max(1, Math.min(shardCount, config.queue().maxShards()));
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::sendLoop, "remote-write-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            shards.add(t);
        }
    }

    public RemoteWriteConfig config() {
        return config;
    }

    public DiskQueue disk() {
        return disk;
    }

    /** Why the last attempt failed, or {@code ""} once one succeeded after it. */
    public String lastError() {
        return lastError;
    }

    public long lastSuccessMillis() {
        return lastSuccessMillis;
    }

    @Override
    public void write(List<TimeSeries> series) {
        int dropped = 0;
        synchronized (batchLock) {
            for (TimeSeries ts : series) {
                byte[] labels = encodedLabels(ts.labels());
                if (labels == null) {
                    dropped += ts.size();
                    continue;
                }
                if (batch.isEmpty()) {
                    batchStartedNanos = System.nanoTime();
                }
                add(batch, labels, ts);
                if (batch.samples() >= config.queue().maxSamplesPerSend()) {
                    flushLocked();
                }
            }
        }
        if (dropped > 0) {
            metrics.samplesDropped("relabel", dropped);
        }
    }

    /**
     * Puts pushed series on the disk queue now, in blocks of their own, for a sender that is told they are safe once
     * this returns. Unlike scraped samples they never wait in the shared in-memory batch, so a failed append loses
     * nothing: it throws and the sender, answered with an error, sends them again.
     *
     * @throws QueueAppendException when the disk queue cannot take them (counted and logged)
     */
    public void append(List<TimeSeries> series) {
        WriteRequestBuffer block = new WriteRequestBuffer(64 * series.size());
        int dropped = 0;
        for (TimeSeries ts : series) {
            byte[] labels = encodedLabels(ts.labels());
            if (labels == null) {
                dropped += ts.size();
                continue;
            }
            add(block, labels, ts);
            if (block.samples() >= config.queue().maxSamplesPerSend()) {
                appendBlock(block);
            }
        }
        if (!block.isEmpty()) {
            appendBlock(block);
        }
        if (dropped > 0) {
            metrics.samplesDropped("relabel", dropped);
        }
    }

    private static void add(WriteRequestBuffer request, byte[] labels, TimeSeries ts) {
        if (ts.size() == 1) {
            request.add(labels, ts.timestamp(0), ts.value(0));
        }
        else {
            request.add(labels, ts.timestamps(), ts.values());
        }
    }

    /**
     * The series' labels as sent, encoded, or {@code null} when relabeling drops the series. Scraped series keep one
     * {@code Labels} instance from scrape to scrape, so a known series is relabeled and encoded once (per queue,
     * while no other queue asks the same instance in between).
     */
    private byte[] encodedLabels(Labels labels) {
        return labels.memo(this, this::relabelAndEncode);
    }

    private byte[] relabelAndEncode(Labels labels) {
        Labels out = relabeler.process(withExternalLabels(labels, externalLabels));
        return out == null || out.isEmpty() ? null : WriteRequestBuffer.labelsSection(out);
    }

    /** Prometheus' rule: an external label is added only where the series has no label of that name. */
    public static Labels withExternalLabels(Labels labels, Labels externalLabels) {
        if (externalLabels.isEmpty()) {
            return labels;
        }
        Labels.Builder b = null;
        for (int i = 0; i < externalLabels.size(); i++) {
            if (!labels.has(externalLabels.name(i))) {
                if (b == null) {
                    b = labels.toBuilder();
                }
                b.add(externalLabels.name(i), externalLabels.value(i));
            }
        }
        return b == null ? labels : b.build();
    }

    /** Queues whatever is batched now, e.g. before a shutdown. */
    public void flush() {
        synchronized (batchLock) {
            flushLocked();
        }
    }

    private void flushIfDue() {
        try {
            synchronized (batchLock) {
                if (!batch.isEmpty() && System.nanoTime() - batchStartedNanos
                        >= config.queue().batchSendDeadline().toNanos()) {
                    flushLocked();
                }
            }
        }
        catch (RuntimeException e) {
            log.warn("cannot queue a batch for {}: {}", config.redactedUrl(), e.toString());
        }
    }

    /** Scraped samples of a batch the disk refuses are lost: counted as dropped, never thrown at the scrape loop. */
    private void flushLocked() {
        if (batch.isEmpty()) {
            return;
        }
        int samples = batch.samples();
        try {
            appendBlock(batch);
        }
        catch (QueueAppendException e) {
            metrics.samplesDropped("append_failed", samples);
        }
    }

    /** Appends {@code request} to the disk queue as one block and empties it, whether or not the disk took it. */
    private void appendBlock(WriteRequestBuffer request) {
        int samples = request.samples();
        long droppedBefore = disk.droppedSamples();
        try {
            disk.append(request.snappy(), samples);
        }
        catch (RuntimeException e) {
            metrics.appendFailed(samples);
            log.error("cannot append {} samples to the disk queue of {}: {}", samples, config.redactedUrl(),
                    e.toString());
            throw new QueueAppendException("the disk queue of " + config.redactedUrl() + " cannot take "
                    + samples + " samples: " + e.getMessage(), e);
        }
        finally {
            request.clear();
        }
        long lost = disk.droppedSamples() - droppedBefore;
        if (lost > 0) {
            metrics.samplesDropped("queue_full", lost);
        }
    }

    private void syncQuietly() {
        try {
            disk.sync();
        }
        catch (RuntimeException e) {
            log.warn("cannot sync the queue of {}: {}", config.redactedUrl(), e.toString());
        }
    }

    private void sendLoop() {
        while (running) {
            DiskQueue.Block block;
            try {
                block = disk.take(Duration.ofMillis(500));
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                log.warn("cannot read the queue of {}: {}", config.redactedUrl(), e.toString());
                sleep(config.queue().maxBackoff().toMillis());
                continue;
            }
            if (block != null) {
                deliver(block);
            }
        }
    }

    private void deliver(DiskQueue.Block block) {
        RetryBackoff backoff = new RetryBackoff(config.queue().minBackoff(), config.queue().maxBackoff());
        while (running) {
            long start = System.nanoTime();
            String cause;
            try {
                int status = transport.send(config.url(), block.payload(), withAuthorization(),
                        config.remoteTimeout());
                if (status / 100 == 2) {
                    metrics.samplesSent(block.samples(), block.payload().length, (System.nanoTime() - start) / 1e9);
                    lastError = "";
                    lastSuccessMillis = System.currentTimeMillis();
                    disk.ack(block);
                    return;
                }
                if (status / 100 == 4 && !(status == 429 && config.queue().retryOnHttp429())) {
                    lastError = "HTTP " + status + ": batch dropped";
                    metrics.samplesDropped("http_4xx", block.samples());
                    disk.ack(block);
                    return;
                }
                cause = "http_" + status;
                lastError = "HTTP " + status;
            }
            catch (CredentialException e) {
                cause = "credentials";
                lastError = e.getMessage();
            }
            catch (Exception e) {
                cause = "no_answer";
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            metrics.retried(cause);
            if (!sleep(backoff.nextMillis())) {
                return;
            }
        }
    }

    /** Credential files are read again for every request, so a rotated token is used from the next one on. */
    private Map<String, String> withAuthorization() {
        String value = authorization.header();
        if (value == null) {
            return headers;
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Authorization", value);
        return h;
    }

    private boolean sleep(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (running) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(left, 100));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Queues the open batch, stops the shards (in-flight batches stay queued) and closes the disk queue. */
    @Override
    public void close() {
        try {
            flush();
        }
        catch (RuntimeException e) {
            log.warn("cannot queue the last batch for {}: {}", config.redactedUrl(), e.toString());
        }
        running = false;
        ticker.shutdownNow();
        for (Thread t : shards) {
            try {
                t.join(config.remoteTimeout().toMillis() + 1000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disk.close();
    }
}
