package io.basalt.insert.ingest;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.forward.StorageNodes;
import io.basalt.insert.handoff.HintedHandoff;
import io.basalt.insert.rebalance.Rebalancer;
import io.basalt.insert.repair.Repairer;
import io.basalt.node.status.NodeStatusContributor;
import io.basalt.node.status.PeerStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

@Component
public class InsertStatus implements NodeStatusContributor {

    private final InsertProperties props;

    private final StorageNodes nodes;

    private final IngestPipeline pipeline;

    private final MeterRegistry registry;

    private final HintedHandoff handoff;

    private final Repairer repairer;

    private final Rebalancer rebalancer;

    public InsertStatus(InsertProperties props, StorageNodes nodes, IngestPipeline pipeline, MeterRegistry registry,
            HintedHandoff handoff, Repairer repairer, Rebalancer rebalancer) {
        this.props = props;
        this.repairer = repairer;
        this.rebalancer = rebalancer;
        this.handoff = handoff;
        this.nodes = nodes;
        this.pipeline = pipeline;
        this.registry = registry;
    }

    @Override
    public String role() {
        return "insert";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("replicationFactor", props.getReplicationFactor());
        c.put("minWriteCopies", props.effectiveMinWriteCopies());
        c.put("hintPath", props.getHintPath());
        c.put("maxHintBytesPerNode", props.getMaxHintBytesPerNode());
        c.put("handoffBytesPerSecond", props.getHandoffBytesPerSecond());
        c.put("maxConcurrentInserts", props.getMaxConcurrentInserts());
        c.put("maxInsertRequestSize", props.getMaxInsertRequestSize());
        c.put("maxRowsPerBlock", props.getMaxRowsPerBlock());
        c.put("maxLabelsPerTimeseries", props.getMaxLabelsPerTimeseries());
        c.put("maxLabelNameLen", props.getMaxLabelNameLen());
        c.put("maxLabelValueLen", props.getMaxLabelValueLen());
        c.put("maxActiveSeriesPerTenant", props.getMaxActiveSeriesPerTenant());
        c.put("relabelConfig", props.getRelabelConfig());
        c.put("storageBackoff", props.getStorageBackoff().toString());
        c.put("storageTimeout", props.getStorageTimeout().toString());
        return c;
    }

    @Override
    public List<PeerStatus> peers() {
        long now = System.currentTimeMillis();
        return nodes.all().stream()
            .map(n -> new PeerStatus("storage", n.url(), n.isHealthy(now), n.lastError()))
            .toList();
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("requestsRunning", pipeline.gate().running());
        d.put("requestsQueued", pipeline.gate().queued());
        d.put("samplesPerSecondLastMinute", Math.round(pipeline.samplesPerSecond() * 10) / 10.0);
        d.put("rowsTotal", total("basalt_insert_rows"));
        d.put("samplesTotal", total("basalt_insert_samples"));
        d.put("reroutedRowsTotal", total("basalt_insert_rerouted_rows"));
        d.put("hintedRowsTotal", total("basalt_insert_hinted_rows"));
        d.put("handoff", handoff.status());
        d.put("storageNodes", nodes.status());
        d.put("repair", repairer.status());
        d.put("rebalance", rebalancer.status());
        d.put("rowsRejected", byReason("basalt_insert_rows_rejected"));
        d.put("requestsRejected", byReason("basalt_insert_requests_rejected"));
        return d;
    }

    private long total(String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private Map<String, Long> byReason(String name) {
        Map<String, Long> out = new TreeMap<>();
        for (Counter c : registry.find(name).counters()) {
            out.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum);
        }
        return out;
    }
}
