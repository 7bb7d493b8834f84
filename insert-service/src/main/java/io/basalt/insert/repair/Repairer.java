package io.basalt.insert.repair;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.config.RepairProperties;
import io.basalt.insert.forward.BytePacer;
import io.basalt.insert.forward.PeriodicPass;
import io.basalt.insert.forward.StorageNode;
import io.basalt.insert.forward.StorageNodes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The anti-entropy repairer of an insert node with {@code basalt.insert.repair.enabled}: every
 * {@code basalt.insert.repair.interval}, and on demand ({@code POST /internal/repair}), it compares the storage nodes'
 * replicas block by closed block and copies what one lacks ({@link BlockRepair}); with more storage nodes than copies,
 * once per set of nodes that own series together, over those series only. A block whose comparison fails
 * (a node down or erroring) backs that node off for {@code basalt.insert.storage-backoff}, as writes do, and is tried
 * again after it; it stays unverified, which the repair lag shows, until a pass gets through it.
 */
@Component
public class Repairer extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);

    /** Tries of one block within a pass, each after the storage back-off of the node that failed. */
    private static final int ATTEMPTS_PER_BLOCK = 3;

    /** Most samples written to one node in one rows block. */
    private static final int MAX_SAMPLES_PER_WRITE = 100_000;

    private final RepairProperties props;

    private final InsertProperties insertProps;

    private final StorageNodes nodes;

    private final RepairTally tally = new RepairTally();

    private final VerifiedBlocks verified;

    private final StorageReplicas replicas;

    /** The lookback asked for by a pending on-demand pass; null when none is pending. */
    private final AtomicReference<Duration> requested = new AtomicReference<>();

    private volatile boolean running;

    private volatile Instant lastPassStarted;

    private volatile Instant lastPassEnded;

    private volatile String lastError;

    public Repairer(RepairProperties props, InsertProperties insertProps, StorageNodes nodes, MeterRegistry registry) {
        super("repairer", props, props.getInitialDelay(), Spacing.BETWEEN_STARTS);
        this.props = props;
        this.insertProps = insertProps;
        this.nodes = nodes;
        this.verified = new VerifiedBlocks(props.getBlock(), props.getSettleDelay(), props.getLookback(),
                System.currentTimeMillis());
        this.replicas = new StorageReplicas(nodes, insertProps.getStorageTimeout(),
                new BytePacer(props::getBytesPerSecond), tally);
        if (!props.isEnabled()) {
            return;
        }
        counter(registry, "basalt_insert_repair_passes", "Repair passes completed", RepairTally::passes);
        counter(registry, "basalt_insert_repair_blocks_verified",
                "Closed time blocks whose replicas were compared and made equal", RepairTally::blocksVerified);
        counter(registry, "basalt_insert_repair_block_failures",
                "Block comparisons that failed (a node down or erroring); retried after the storage back-off",
                RepairTally::blocksFailed);
        counter(registry, "basalt_insert_repair_ranges_differing",
                "Series-hash sub-ranges whose digests differed between replicas", RepairTally::rangesDiffering);
        counter(registry, "basalt_insert_repair_samples_copied", "Samples written to a replica that lacked them",
                RepairTally::samplesCopied);
        counter(registry, "basalt_insert_repair_conflicts",
                "Timestamps held with different values by two replicas (left as they are)", RepairTally::conflicts);
        counter(registry, "basalt_insert_repair_bytes_read", "Bytes of digests and series read from storage nodes",
                RepairTally::bytesRead);
        Gauge.builder("basalt_insert_repair_lag_seconds", this, r -> r.verified.lagMillis(System.currentTimeMillis())
                / 1000.0)
            .description("Age of the oldest closed block not verified since it closed; 0 when all are")
            .register(registry);
        Gauge.builder("basalt_insert_repair_running", this, r -> r.passRunning() ? 1 : 0)
            .description("1 while a repair pass runs")
            .register(registry);
    }

    public boolean enabled() {
        return props.isEnabled();
    }

    /**
     * Asks for a pass now over {@code lookback} (the configured one when null).
     *
     * @return false when a pass is running or already asked for
     */
    public boolean requestPass(Duration lookback) {
        if (running || !requested.compareAndSet(null, lookback == null ? props.getLookback() : lookback)) {
            return false;
        }
        log.info("repair pass asked for over {}", requested.get());
        passNow();
        return true;
    }

    public boolean passRunning() {
        return running;
    }

    /** For {@code /api/v1/status}: progress, lag and the last pass. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", props.isEnabled());
        if (!props.isEnabled()) {
            return out;
        }
        out.put("running", running);
        out.put("lagSeconds", Math.round(verified.lagMillis(System.currentTimeMillis()) / 100.0) / 10.0);
        out.put("passesTotal", tally.passes());
        out.put("blocksVerifiedTotal", tally.blocksVerified());
        out.put("blockFailuresTotal", tally.blocksFailed());
        out.put("rangesDifferingTotal", tally.rangesDiffering());
        out.put("samplesCopiedTotal", tally.samplesCopied());
        out.put("conflictsTotal", tally.conflicts());
        out.put("bytesReadTotal", tally.bytesRead());
        out.put("lastPassStarted", lastPassStarted == null ? null : lastPassStarted.toString());
        out.put("lastPassEnded", lastPassEnded == null ? null : lastPassEnded.toString());
        out.put("lastError", lastError);
        out.put("interval", props.getInterval().toString());
        out.put("block", props.getBlock().toString());
        out.put("settleDelay", props.getSettleDelay().toString());
        out.put("lookback", props.getLookback().toString());
        out.put("bytesPerSecond", props.getBytesPerSecond());
        return out;
    }

    @Override
    protected void pass() throws InterruptedException {
        Duration asked = requested.get();
        repair(asked != null ? asked : props.getLookback());
    }

    @Override
    protected void passFailed(Throwable failure) {
        lastError = failure.toString();
    }

    private void repair(Duration lookback) throws InterruptedException {
        running = true;
        requested.set(null);
        lastPassStarted = Instant.now();
        try {
            List<TimeBlock> blocks = verified.closed(System.currentTimeMillis(), lookback);
            log.info("repair pass started over {} closed blocks ({} back)", blocks.size(), lookback);
            BlockRepair repair = new BlockRepair(replicas, (node, tenant, labels) -> true, props.getLeafSeries(),
                    MAX_SAMPLES_PER_WRITE, tally);
            int failed = 0;
            for (int b = 0; b < blocks.size(); b++) {
                // Each block on the list current when it starts: nodes keep their index across list changes.
                Holders holders = Holders.of(nodes.current());
                String unsupported = holders.unsupported();
                if (unsupported != null) {
                    // Not a node's failure: the blocks stay unverified (the lag shows it) until the list allows it.
                    lastError = unsupported;
                    log.warn("repair pass stopped with {} blocks unverified: {}", blocks.size() - b, unsupported);
                    failed += blocks.size() - b;
                    break;
                }
                if (!verify(repair, holders, blocks.get(b))) {
                    failed++;
                }
            }
            tally.passes.incrementAndGet();
            log.info("repair pass over {} blocks done: {} failed; {} samples copied so far", blocks.size(), failed,
                    tally.samplesCopied());
            if (failed == 0) {
                lastError = null;
            }
        }
        finally {
            lastPassEnded = Instant.now();
            running = false;
        }
    }

    /** Compares one block, retrying after the storage back-off; true once it is verified. */
    private boolean verify(BlockRepair repair, Holders holders, TimeBlock block) throws InterruptedException {
        for (int attempt = 1; attempt <= ATTEMPTS_PER_BLOCK; attempt++) {
            awaitHealthy(holders.all());
            try {
                repair.repair(holders, insertProps.getReplicationFactor(), block);
                verified.verified(block);
                tally.blocksVerified.incrementAndGet();
                return true;
            }
            catch (ReplicaUnavailableException e) {
                tally.blocksFailed.incrementAndGet();
                lastError = e.getMessage();
                StorageNode node = nodes.get(e.node());
                node.markFailed(e.getMessage(), System.currentTimeMillis(), insertProps.getStorageBackoff().toMillis());
                log.warn("repair of block {} failed (attempt {} of {}): {}", Instant.ofEpochMilli(block.start()),
                        attempt, ATTEMPTS_PER_BLOCK, e.getMessage());
            }
        }
        return false;
    }

    /** Sleeps until none of {@code compared} is inside its storage back-off (bounded by one back-off per node). */
    private void awaitHealthy(int[] compared) throws InterruptedException {
        long now = System.currentTimeMillis();
        for (int i : compared) {
            StorageNode node = nodes.get(i);
            while (!node.isHealthy(now)) {
                Thread.sleep(Math.min(250, insertProps.getStorageBackoff().toMillis()));
                now = System.currentTimeMillis();
            }
        }
    }

    private void counter(MeterRegistry registry, String name, String description, ToLongFunction<RepairTally> read) {
        FunctionCounter.builder(name, tally, t -> read.applyAsLong(t)).description(description).register(registry);
    }
}
