package io.basalt.mockexporter.web;

import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.node.status.NodeStatusContributor;
import java.util.Map;
import org.springframework.stereotype.Component;

@Component
public class MockExporterStatus implements NodeStatusContributor {

    private final MockExporterProperties props;

    public MockExporterStatus(MockExporterProperties props) {
        this.props = props;
    }

    @Override
    public String role() {
        return "mock-exporter";
    }

    @Override
    public Map<String, Object> configSummary() {
        return Map.of("instances", props.getInstances(), "paths", props.getPaths(), "seed", props.getSeed());
    }
}
