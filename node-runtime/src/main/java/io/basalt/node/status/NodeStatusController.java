package io.basalt.node.status;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/status}: what this node is, since when it runs, how it is configured and who its peers are. */
@RestController
public class NodeStatusController {

    private final NodeStatusContributor contributor;

    private final String version;

    private final List<StatusSection> sections;

    public NodeStatusController(NodeStatusContributor contributor, ObjectProvider<BuildProperties> build,
            ObjectProvider<StatusSection> sections) {
        this.contributor = contributor;
        this.sections = sections.orderedStream().toList();
        BuildProperties props = build.getIfAvailable();
        String v = props != null ? props.getVersion() : NodeStatusController.class.getPackage().getImplementationVersion();
        this.version = v != null ? v : "dev";
    }

    @GetMapping(path = "/api/v1/status", produces = "application/json")
    public Map<String, Object> status() {
        long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", contributor.role());
        data.put("version", version);
        data.put("startTime", Instant.ofEpochMilli(startMillis).toString());
        data.put("uptimeSeconds", Duration.ofMillis(System.currentTimeMillis() - startMillis).toSeconds());
        data.put("config", contributor.configSummary());
        data.put("peers", contributor.peers());
        data.putAll(contributor.details());
        sections.forEach(section -> data.put(section.name(), section.describe()));
        return Map.of("status", "success", "data", data);
    }
}
