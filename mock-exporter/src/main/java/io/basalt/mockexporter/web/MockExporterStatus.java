package io.basalt.mockexporter.web;

import io.basalt.mockexporter.exposition.FleetPage;
import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.node.status.NodeStatusContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

@Component
public class MockExporterStatus implements NodeStatusContributor {

    private final MockExporterProperties props;

    private final SimulatedFleet fleet;

    private final FleetPage page;

    public MockExporterStatus(MockExporterProperties props, SimulatedFleet fleet, FleetPage page) {
        this.props = props;
        this.fleet = fleet;
        this.page = page;
    }

    @Override
    public String role() {
        return "mock-exporter";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("instances", props.getInstances());
        summary.put("paths", props.getPaths());
        summary.put("methods", props.getMethods());
        summary.put("statusCodes", props.getStatusCodes());
        summary.put("targets", props.getTargets());
        summary.put("seed", props.getSeed());
        summary.put("step", props.getStep().toString());
        summary.put("podChurnPerMinute", props.getPodChurnPerMinute());
        return summary;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seriesPerTarget", page.seriesPerTarget());
        details.put("tick", fleet.tick());
        details.put("restarts", fleet.restarts());
        details.put("podsReplaced", fleet.replacements());
        return details;
    }
}
