package io.basalt.agent.web;

import io.basalt.agent.AgentProperties;
import io.basalt.agent.AgentRuntime;
import io.basalt.agent.remotewrite.RemoteWriteQueue;
import io.basalt.node.status.NodeStatusContributor;
import io.basalt.node.status.PeerStatus;
import io.basalt.scrape.ScrapeLoop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** What {@code GET /api/v1/status} says about the agent. */
@Component
public class AgentStatus implements NodeStatusContributor {

    private final AgentRuntime runtime;

    private final AgentProperties properties;

    public AgentStatus(AgentRuntime runtime, AgentProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    @Override
    public String role() {
        return "agent";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configFile", properties.getConfigFile());
        m.put("dataPath", properties.getDataPath());
        m.put("maxDiskUsage", properties.getMaxDiskUsage().toString());
        m.put("sendShards", properties.getSendShards());
        m.put("remoteWriteMode", properties.isShardByUrl() ? "shard-by-url (replicas "
                + properties.getShardByUrlReplicas() + ", labels " + (properties.getShardByUrlLabels().isEmpty()
                        ? "all" : String.join(",", properties.getShardByUrlLabels())) + ")" : "every url");
        m.put("maxConcurrentInserts", properties.getMaxConcurrentInserts());
        if (runtime.config() != null) {
            m.put("scrapeInterval", runtime.config().global().scrapeInterval().toString());
            m.put("externalLabels", runtime.config().global().externalLabels().toString());
            m.put("jobs", runtime.config().scrapeConfigs().stream().map(j -> j.jobName()).toList());
        }
        return m;
    }

    @Override
    public List<PeerStatus> peers() {
        List<PeerStatus> out = new ArrayList<>();
        for (RemoteWriteQueue q : runtime.queues()) {
            out.add(new PeerStatus("remote_write", q.config().redactedUrl(), q.lastError().isEmpty(),
                    q.lastError().isEmpty() ? null : q.lastError()));
        }
        return out;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        long up = 0;
        long total = 0;
        if (runtime.scrapes() != null) {
            for (ScrapeLoop l : runtime.scrapes().loops()) {
                total++;
                up += l.health().health().equals("up") ? 1 : 0;
            }
        }
        m.put("targets", Map.of("total", total, "up", up));
        List<Map<String, Object>> queues = new ArrayList<>();
        for (RemoteWriteQueue q : runtime.queues()) {
            Map<String, Object> qm = new LinkedHashMap<>();
            qm.put("url", q.config().redactedUrl());
            qm.put("queueBytes", q.disk().sizeBytes());
            qm.put("pendingBlocks", q.disk().pendingBlocks());
            qm.put("droppedSamples", q.disk().droppedSamples());
            qm.put("lastError", q.lastError());
            qm.put("lastSuccess", q.lastSuccessMillis() == 0 ? null : Instant.ofEpochMilli(q.lastSuccessMillis()));
            queues.add(qm);
        }
        m.put("remoteWrite", queues);
        m.put("lastReload", Instant.ofEpochMilli(runtime.lastReloadMillis()).toString());
        m.put("lastReloadSucceeded", runtime.lastReloadSucceeded());
        return m;
    }
}
