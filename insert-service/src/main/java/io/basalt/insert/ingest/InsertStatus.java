package io.basalt.insert.ingest;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.forward.StorageNodes;
import io.basalt.node.status.NodeStatusContributor;
import io.basalt.node.status.PeerStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

@Component
public class InsertStatus implements NodeStatusContributor {

    private final InsertProperties props;

    private final StorageNodes nodes;

    private final IngestPipeline pipeline;

    public InsertStatus(InsertProperties props, StorageNodes nodes, IngestPipeline pipeline) {
        this.props = props;
        this.nodes = nodes;
        this.pipeline = pipeline;
    }

    @Override
    public String role() {
        return "insert";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("replicationFactor", props.getReplicationFactor());
        c.put("maxConcurrentInserts", props.getMaxConcurrentInserts());
        c.put("maxInsertRequestSize", props.getMaxInsertRequestSize());
        c.put("maxRowsPerBlock", props.getMaxRowsPerBlock());
        c.put("maxLabelsPerTimeseries", props.getMaxLabelsPerTimeseries());
        c.put("maxLabelValueLen", props.getMaxLabelValueLen());
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
        return Map.of("requestsRunning", pipeline.gate().running(), "requestsQueued", pipeline.gate().queued());
    }
}
