package io.basalt.mockexporter.web;

import io.basalt.mockexporter.simulation.MockExporterProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /targets}: the virtual targets in Prometheus' HTTP service-discovery format, one group per target with
 * its {@code __metrics_path__}, so an {@code http_sd_configs} entry (Prometheus, vmagent) picks up every target
 * without listing them. The address is the one the caller used to reach this endpoint; each target gets its own
 * {@code instance} label ({@code <address>/target/<n>}).
 */
@RestController
public class TargetDiscoveryController {

    private final int targets;

    public TargetDiscoveryController(MockExporterProperties props) {
        this.targets = props.getTargets();
    }

    @GetMapping(path = "/targets", produces = "application/json")
    public List<Map<String, Object>> targets(ServerHttpRequest request) {
        String address = request.getHeaders().getFirst(HttpHeaders.HOST);
        if (address == null || address.isBlank()) {
            address = request.getLocalAddress() != null
                    ? request.getLocalAddress().getHostString() + ":" + request.getLocalAddress().getPort()
                    : "localhost:2112";
        }
        List<Map<String, Object>> groups = new ArrayList<>(targets);
        for (int n = 0; n < targets; n++) {
            // Every target shares the address, so without its own instance the scraper's up and scrape_* series
            // of all targets would be one series.
            groups.add(Map.of("targets", List.of(address), "labels", Map.of("__metrics_path__", "/metrics/target/"
                    + n, "instance", address + "/target/" + n)));
        }
        return groups;
    }
}
