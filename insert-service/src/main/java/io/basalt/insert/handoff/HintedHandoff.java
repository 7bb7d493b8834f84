package io.basalt.insert.handoff;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.forward.BytePacer;
import io.basalt.insert.forward.NotEnoughStorageNodesException;
import io.basalt.insert.forward.StorageNode;
import io.basalt.insert.forward.StorageNodes;
import io.basalt.insert.forward.WorkerThread;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Copies a storage node could not take when they were written, kept on this insert node's disk ({@link HintLog},
 * one per storage node under {@code basalt.insert.hint-path}) and delivered in order once the node takes writes
 * again. Delivery runs on one background thread, paced to {@code basalt.insert.handoff-bytes-per-second} so that a
 * returning node is not flooded while it also takes live writes; a failed delivery leaves the node out for
 * {@code basalt.insert.storage-backoff}, the same back-off live writes use. Off (every copy required before an
 * acknowledgement) when no hint path is set.
 */
@Component
public class HintedHandoff implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HintedHandoff.class);

    /** Sleep of the delivery thread when nothing could be delivered. */
    private static final Duration IDLE = Duration.ofMillis(250);

    /** Hint segments are rolled at this size; whole delivered segments are deleted. */
    private static final long SEGMENT_BYTES = 16L * 1024 * 1024;

    private final StorageNodes nodes;

    private final InsertProperties props;

    private final MeterRegistry registry;

    // Indexed by storage node index; grown when the node list gains a node (see logFor).
    private final List<HintLog> logs = new CopyOnWriteArrayList<>();

    private final List<Counter> written = new CopyOnWriteArrayList<>();

    private final List<Counter> delivered = new CopyOnWriteArrayList<>();

    private final List<Counter> failures = new CopyOnWriteArrayList<>();

    private final List<Counter> dropped = new CopyOnWriteArrayList<>();

    private final BytePacer pacer;

    private final WorkerThread deliverer = new WorkerThread("hinted-handoff");

    public HintedHandoff(StorageNodes nodes, InsertProperties props, MeterRegistry registry) throws IOException {
        this.nodes = nodes;
        this.props = props;
        this.registry = registry;
        this.pacer = new BytePacer(props::getHandoffBytesPerSecond);
        if (props.getHintPath() == null) {
            return;
        }
        openLogsThrough(nodes.known().size() - 1);
    }

    /** Opens the hint logs of nodes up to index {@code last}, for nodes added to the list since start. */
    private synchronized void openLogsThrough(int last) throws IOException {
        while (logs.size() <= last) {
            StorageNode node = nodes.get(logs.size());
            HintLog hints = HintLog.open(Path.of(props.getHintPath()).resolve(directoryName(node.url())),
                    props.getMaxHintBytesPerNode(), SEGMENT_BYTES);
            if (hints.cutBytes() > 0) {
                log.warn("hint log for {}: cut {} bytes of a torn or corrupt tail", node.url(), hints.cutBytes());
            }
            String url = node.url();
            Gauge.builder("basalt_insert_hints_pending_bytes", hints, HintLog::pendingBytes)
                .description("Bytes of copies owed to a storage node and not yet delivered")
                .tag("node", url).register(registry);
            Gauge.builder("basalt_insert_hints_pending", hints, HintLog::pendingRecords)
                .description("Rows blocks owed to a storage node and not yet delivered")
                .tag("node", url).register(registry);
            Gauge.builder("basalt_insert_handoff_lag_seconds", hints, HintedHandoff::lagSeconds)
                .description("Age of the oldest copy owed to a storage node; 0 when nothing is owed")
                .tag("node", url).register(registry);
            written.add(counter(registry, "basalt_insert_hints_written", "Rows blocks recorded as owed", url));
            delivered.add(counter(registry, "basalt_insert_hints_delivered", "Owed rows blocks delivered", url));
            failures.add(counter(registry, "basalt_insert_handoff_failures",
                    "Failed deliveries of owed rows blocks (retried after the storage back-off)", url));
            dropped.add(counter(registry, "basalt_insert_hints_dropped",
                    "Owed rows blocks the node refused as invalid (4xx): never delivered, alert on any", url));
            // Last: the delivery thread reads the counters of every log it sees.
            logs.add(hints);
        }
    }

    /** Whether a copy that could not be written may be owed instead of failing the write. */
    public boolean enabled() {
        return !logs.isEmpty();
    }

    /**
     * Records durably that {@code node} is owed {@code rowsBlock}; completes once the record is on the device. Fails
     * with {@link NotEnoughStorageNodesException} (503) when it cannot be kept, so the write is not acknowledged.
     */
    public Mono<Void> owe(int node, byte[] rowsBlock) {
        return Mono.<Void>fromCallable(() -> {
            openLogsThrough(node);
            logs.get(node).append(rowsBlock, System.currentTimeMillis());
            written.get(node).increment();
            return null;
        })
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorMap(IOException.class, e -> new NotEnoughStorageNodesException("storage node "
                    + nodes.get(node).url() + " is unavailable and the copy owed to it cannot be recorded ("
                    + e.getMessage() + "); retry later"));
    }

    /** Per storage node: what is owed and how old the oldest owed copy is, for {@code /api/v1/status}. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", enabled());
        out.put("minWriteCopies", props.effectiveMinWriteCopies());
        Map<String, Object> byNode = new LinkedHashMap<>();
        for (int i = 0; i < logs.size(); i++) {
            HintLog hints = logs.get(i);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("pendingBlocks", hints.pendingRecords());
            n.put("pendingBytes", hints.pendingBytes());
            n.put("lagSeconds", Math.round(lagSeconds(hints) * 10) / 10.0);
            n.put("deliveredTotal", (long) delivered.get(i).count());
            n.put("failuresTotal", (long) failures.get(i).count());
            n.put("droppedTotal", (long) dropped.get(i).count());
            byNode.put(nodes.get(i).url(), n);
        }
        out.put("nodes", byNode);
        return out;
    }

    @Override
    public void start() {
        if (!enabled()) {
            return;
        }
        deliverer.start(this::deliverForever);
    }

    @Override
    public void stop() {
        deliverer.stop();
        for (HintLog hints : logs) {
            try {
                hints.close();
            }
            catch (IOException e) {
                log.warn("closing a hint log failed", e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return deliverer.isRunning();
    }

    private void deliverForever() {
        while (deliverer.isCurrent()) {
            try {
                if (!deliverRound()) {
                    Thread.sleep(IDLE.toMillis());
                }
            }
            catch (InterruptedException e) {
                return;
            }
            catch (Throwable t) {
                // The thread must outlive any failure, or owed copies would silently stay owed.
                log.error("hinted handoff round failed; retrying", t);
                try {
                    Thread.sleep(props.getStorageBackoff().toMillis());
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Delivers at most one block to each node that is owed some and is not backed off; true if any was delivered. */
    private boolean deliverRound() throws IOException, InterruptedException {
        boolean any = false;
        for (int i = 0; i < logs.size(); i++) {
            HintLog hints = logs.get(i);
            StorageNode node = nodes.get(i);
            long now = System.currentTimeMillis();
            if (hints.pendingRecords() == 0 || !node.isHealthy(now)) {
                continue;
            }
            HintLog.Hint hint = hints.next();
            if (hint == null) {
                continue;
            }
            try {
                node.insertRows(hint.payload(), props.getStorageTimeout()).block();
                node.markHealthy();
                hints.delivered(hint);
                delivered.get(i).increment();
                any = true;
                pacer.pace(hint.payload().length);
            }
            catch (WebClientResponseException e) {
                if (e.getStatusCode().is4xxClientError() && e.getStatusCode().value() != 429) {
                    log.error("storage node {} refused an owed rows block as invalid; dropping it: {}", node.url(),
                            e.getResponseBodyAsString().trim());
                    hints.delivered(hint);
                    dropped.get(i).increment();
                    continue;
                }
                failed(i, node, "HTTP " + e.getStatusCode().value());
            }
            catch (RuntimeException e) {
                failed(i, node, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return any;
    }

    private void failed(int i, StorageNode node, String reason) {
        failures.get(i).increment();
        node.markFailed(reason, System.currentTimeMillis(), props.getStorageBackoff().toMillis());
    }

    private static double lagSeconds(HintLog hints) {
        long oldest = hints.oldestPendingMillis();
        return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String url) {
        return Counter.builder(name).description(description).tag("node", url).register(registry);
    }

    /** A directory name per storage node address, readable and safe on every file system. */
    static String directoryName(String url) {
        return url.replaceFirst("^[a-z]+://", "").replaceAll("[^A-Za-z0-9.-]", "_");
    }
}
