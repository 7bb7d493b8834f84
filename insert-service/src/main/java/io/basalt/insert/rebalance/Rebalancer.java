package io.basalt.insert.rebalance;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.forward.BytePacer;
import io.basalt.insert.forward.PeriodicPass;
import io.basalt.insert.forward.Placement;
import io.basalt.insert.forward.StorageCallException;
import io.basalt.insert.forward.StorageNode;
import io.basalt.insert.forward.StorageNodes;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.MisplacedSeriesQuery;
import io.basalt.wire.cluster.MovedSeriesDrop;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Moves series to the nodes that own them under the current storage node list, so that adding a node gives it its
 * share and a draining node empties. One insert node of the cluster runs it ({@code basalt.insert.rebalance.enabled}).
 * Each pass asks every listed node, per tenant and series-hash range, for the series it holds but does not own
 * ({@code /internal/misplaced}); reads each owner's range and copies to it, through {@code /internal/insert}, the
 * settled series it lacks any sample of; reads those back and checks every sample is there; and only then asks the
 * holder to delete them
 * ({@code /internal/drop_moved}), which it does only if it still holds exactly what was copied. So at every moment
 * each sample has at least its usual copies, and select's merge hides the duplicates in between.
 */
@Component
public class Rebalancer extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private static final MediaType ROWS = MediaType.parseMediaType(RowsCodec.CONTENT_TYPE);

    /**
     * Series per drop request: the holder reads them back while its appends wait (to check they did not change since
     * the copy), so a batch must stay small enough not to stall ingestion.
     */
    private static final int DROP_BATCH = 500;

    private final StorageNodes nodes;

    private final InsertProperties insertProps;

    private final RebalanceProperties props;

    private final BytePacer pacer;

    private final Counter passes;

    private final Counter seriesMoved;

    private final Counter samplesCopied;

    private final Counter bytesCopied;

    private final Counter verifyFailures;

    private final Counter dropConflicts;

    private final Counter errors;

    private volatile Pass lastPass;

    private volatile Pass currentPass;

    private volatile String lastError;

    public Rebalancer(StorageNodes nodes, InsertProperties insertProps, RebalanceProperties props,
            MeterRegistry registry) {
        super("rebalancer", props, Duration.ZERO, Spacing.AFTER_END);
        this.nodes = nodes;
        this.insertProps = insertProps;
        this.props = props;
        this.pacer = new BytePacer(props::getBytesPerSecond);
        this.passes = counter(registry, "basalt_insert_rebalance_passes", "Completed passes over every storage node");
        this.seriesMoved = counter(registry, "basalt_insert_rebalance_series_moved",
                "Series copied to their owners, verified there and dropped from a node that does not own them");
        this.samplesCopied = counter(registry, "basalt_insert_rebalance_samples_copied",
                "Samples copied to the owners of misplaced series");
        this.bytesCopied = counter(registry, "basalt_insert_rebalance_bytes_copied",
                "Rows-block bytes copied to the owners of misplaced series");
        this.verifyFailures = counter(registry, "basalt_insert_rebalance_verify_failures",
                "Hash ranges whose copies an owner did not hold when read back (nothing dropped; retried next pass)");
        this.dropConflicts = counter(registry, "basalt_insert_rebalance_drop_conflicts",
                "Drops a holder refused because the series changed after the copy (retried next pass)");
        this.errors = counter(registry, "basalt_insert_rebalance_errors",
                "Nodes a pass could not finish (unreachable, timeouts, errors); retried next pass");
        Gauge.builder("basalt_insert_rebalance_misplaced_series", this, r -> r.lastPass == null ? 0
                : r.lastPass.totalMisplaced())
            .description("Series held by a node that does not own them, found by the last completed pass")
            .register(registry);
        Gauge.builder("basalt_insert_rebalance_settling_series", this, r -> r.lastPass == null ? 0
                : r.lastPass.totalSettling())
            .description("Misplaced series left for a later pass because their newest sample is too recent")
            .register(registry);
    }

    /** One pass: per node, what it held that it does not own, and what was moved. */
    static final class Pass {

        final Instant started = Instant.now();

        final List<String> placement;

        final Map<String, NodeReport> nodes = new LinkedHashMap<>();

        volatile Instant finished;

        Pass(List<String> placement) {
            this.placement = placement;
        }

        long totalMisplaced() {
            return nodes.values().stream().mapToLong(n -> n.misplaced).sum();
        }

        long totalSettling() {
            return nodes.values().stream().mapToLong(n -> n.settling).sum();
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("started", started.toString());
            out.put("finished", finished == null ? null : finished.toString());
            out.put("placement", placement);
            Map<String, Object> byNode = new LinkedHashMap<>();
            nodes.forEach((url, n) -> byNode.put(url, n.describe()));
            out.put("nodes", byNode);
            return out;
        }
    }

    static final class NodeReport {

        long misplaced;

        long settling;

        long moved;

        boolean complete;

        String error;

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("misplacedSeries", misplaced);
            out.put("settlingSeries", settling);
            out.put("movedSeries", moved);
            out.put("complete", complete);
            out.put("error", error);
            return out;
        }
    }

    /** For {@code /api/v1/status}: settings, the pass under way and the last completed one. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", props.isEnabled());
        if (!props.isEnabled()) {
            return out;
        }
        out.put("interval", props.getInterval().toString());
        out.put("settle", props.getSettle().toString());
        out.put("bytesPerSecond", props.getBytesPerSecond());
        out.put("passesTotal", (long) passes.count());
        out.put("seriesMovedTotal", (long) seriesMoved.count());
        out.put("samplesCopiedTotal", (long) samplesCopied.count());
        out.put("verifyFailuresTotal", (long) verifyFailures.count());
        out.put("dropConflictsTotal", (long) dropConflicts.count());
        out.put("lastError", lastError);
        Pass running = currentPass;
        out.put("running", running == null ? null : running.describe());
        Pass last = lastPass;
        out.put("lastPass", last == null ? null : last.describe());
        return out;
    }

    @Override
    protected void passFailed(Throwable failure) {
        lastError = failure.toString();
    }

    /** One pass over every listed node, draining ones included. */
    @Override
    protected void pass() throws InterruptedException {
        Placement layout = nodes.current();
        Pass pass = new Pass(layout.placementUrls());
        currentPass = pass;
        for (StorageNode holder : nodes.all()) {
            NodeReport report = new NodeReport();
            synchronized (pass.nodes) {
                pass.nodes.put(holder.url(), report);
            }
            try {
                for (TenantId tenant : tenants(holder)) {
                    for (long r = 0; r < (1L << props.getPrefixBits()); r++) {
                        moveRange(holder, tenant, new HashRange(r, props.getPrefixBits()), layout, report);
                    }
                }
                report.complete = true;
            }
            catch (RuntimeException e) {
                errors.increment();
                report.error = describe(e);
                lastError = holder.url() + ": " + report.error;
                log.warn("rebalance of {} not finished this pass: {}", holder.url(), report.error);
            }
        }
        pass.finished = Instant.now();
        lastPass = pass;
        currentPass = null;
        passes.increment();
    }

    private void moveRange(StorageNode holder, TenantId tenant, HashRange range, Placement layout,
            NodeReport report) throws InterruptedException {
        int rf = insertProps.getReplicationFactor();
        List<String> placement = layout.placementUrls();
        byte[] ask = new MisplacedSeriesQuery(tenant, range, holder.url(), placement, rf).encode();
        List<TimeSeries> misplaced = RowsCodec.decode(post(holder, "/internal/misplaced", ask)).series();
        report.misplaced += misplaced.size();
        if (misplaced.isEmpty()) {
            return;
        }
        long settledBefore = System.currentTimeMillis() - props.getSettle().toMillis();
        MovePlan plan = MovePlan.of(tenant, holder.url(), misplaced, placement, rf, settledBefore);
        report.settling += plan.settling();
        if (plan.ready().isEmpty()) {
            return;
        }
        for (var e : plan.copies().entrySet()) {
            // An owner that already held the series before the list changed usually has every sample: it is written
            // only what it lacks, and only what was written is read back again.
            StorageNode owner = owner(e.getKey());
            List<TimeSeries> lacking = CopyCheck.lacking(e.getValue(), held(owner, tenant, range));
            if (lacking.isEmpty()) {
                continue;
            }
            copy(owner, tenant, lacking);
            long missing = CopyCheck.missingSamples(lacking, held(owner, tenant, range));
            if (missing > 0) {
                verifyFailures.increment();
                log.warn("{} lacks {} copied samples of tenant {} range {}; nothing dropped from {}", e.getKey(),
                        missing, tenant, range.queryParams(), holder.url());
                return;
            }
        }
        List<TimeSeries> ready = plan.ready();
        for (int from = 0; from < ready.size(); from += DROP_BATCH) {
            List<TimeSeries> batch = ready.subList(from, Math.min(ready.size(), from + DROP_BATCH));
            try {
                post(holder, "/internal/drop_moved", MovedSeriesDrop.of(tenant, batch).encode());
                report.moved += batch.size();
                seriesMoved.increment(batch.size());
            }
            catch (StorageCallException e) {
                if (e.status() != HttpStatus.CONFLICT.value()) {
                    throw e;
                }
                dropConflicts.increment();
            }
        }
    }

    /** Every series {@code owner} holds in {@code range}, with all its samples. */
    private List<TimeSeries> held(StorageNode owner, TenantId tenant, HashRange range) {
        byte[] all = new SearchQuery(tenant, Long.MIN_VALUE, Long.MAX_VALUE, List.of(), 0).encode();
        return RowsCodec.decode(post(owner, StorageNode.SEARCH_RANGE, all,
                Long.toUnsignedString(range.prefix()), range.prefixBits())).series();
    }

    private void copy(StorageNode owner, TenantId tenant, List<TimeSeries> series) throws InterruptedException {
        int max = insertProps.getMaxRowsPerBlock();
        for (int from = 0; from < series.size(); from += max) {
            List<TimeSeries> chunk = series.subList(from, Math.min(series.size(), from + max));
            byte[] block = RowsCodec.encode(tenant, chunk);
            owner.insertRowsBlocking(block, insertProps.getStorageTimeout());
            bytesCopied.increment(block.length);
            samplesCopied.increment(chunk.stream().mapToLong(TimeSeries::size).sum());
            pacer.pace(block.length);
        }
    }

    private List<TenantId> tenants(StorageNode node) {
        byte[] all = new SearchQuery(TenantId.DEFAULT, Long.MIN_VALUE, Long.MAX_VALUE, List.of(), 0).encode();
        List<TenantId> out = new ArrayList<>();
        for (String t : StringListCodec.decode(post(node, StorageNode.TENANTS, all))) {
            out.add(TenantId.parse(t));
        }
        return out;
    }

    private byte[] post(StorageNode node, String uriTemplate, byte[] body, Object... uriVariables) {
        return node.post(uriTemplate, ROWS, body, insertProps.getStorageTimeout(), uriVariables);
    }

    private StorageNode owner(String url) {
        for (StorageNode n : nodes.known()) {
            if (n.url().equals(url)) {
                return n;
            }
        }
        throw new IllegalStateException("owner " + url + " is not a known storage node");
    }

    private static String describe(Throwable e) {
        return e instanceof StorageCallException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }
}
