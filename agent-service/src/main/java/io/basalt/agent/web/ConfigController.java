package io.basalt.agent.web;

import io.basalt.agent.AgentRuntime;
import io.basalt.scrape.config.AgentConfig;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/status/config}: the loaded config in Prometheus' shape, secrets shown as {@code <secret>}. */
@RestController
public class ConfigController {

    private final AgentRuntime runtime;

    public ConfigController(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping(path = "/api/v1/status/config", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> config() {
        AgentConfig config = runtime.config();
        return Map.of("status", "success", "data", Map.of("yaml", config == null ? "" : config.redactedYaml()));
    }
}
