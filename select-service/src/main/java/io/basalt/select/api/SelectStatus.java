package io.basalt.select.api;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.status.NodeStatusContributor;
import io.basalt.node.status.PeerStatus;
import io.basalt.select.config.SelectProperties;
import io.basalt.select.fanout.StorageFanout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

@Component
public class SelectStatus implements NodeStatusContributor {

    private final SelectProperties props;

    private final StorageFanout fanout;

    private final AdmissionGate gate;

    public SelectStatus(SelectProperties props, StorageFanout fanout, AdmissionGate selectGate) {
        this.props = props;
        this.fanout = fanout;
        this.gate = selectGate;
    }

    @Override
    public String role() {
        return "select";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("replicationFactor", props.getReplicationFactor());
        c.put("maxConcurrentSelects", props.getMaxConcurrentSelects());
        c.put("maxQueryDuration", props.getMaxQueryDuration().toString());
        c.put("maxQueryLen", props.getMaxQueryLen());
        c.put("denyPartialResponse", props.isDenyPartialResponse());
        c.put("lookbackDelta", props.getLookbackDelta().toString());
        c.put("maxSeries", props.getMaxSeries());
        c.put("maxSamplesPerQuery", props.getMaxSamplesPerQuery());
        c.put("maxSubqueryPoints", props.getMaxSubqueryPoints());
        c.put("slowQueryThreshold", props.getSlowQueryThreshold().toString());
        return c;
    }

    @Override
    public List<PeerStatus> peers() {
        return fanout.nodeUrls().stream().map(url -> new PeerStatus("storage", url, true, null)).toList();
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("queriesRunning", gate.running(), "queriesQueued", gate.queued(),
                "storageNodes", fanout.nodeListStatus());
    }
}
