package io.basalt.select.ui;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Settings of the built-in web UI ({@code basalt.select.ui.*}). */
@Validated
@ConfigurationProperties("basalt.select.ui")
public class UiProperties {

    /**
     * Base URLs of the agents whose scrape targets the Targets page lists, e.g. {@code http://agent-1:8429}. The
     * select node asks them itself, so browsers need not reach the agents.
     */
    @NotNull
    private List<URI> agents = new ArrayList<>();

    /** How long the Targets page waits for one agent before showing it as unreachable. */
    @NotNull
    private Duration agentTimeout = Duration.ofSeconds(5);

    public List<URI> getAgents() {
        return agents;
    }

    public void setAgents(List<URI> agents) {
        this.agents = agents;
    }

    public Duration getAgentTimeout() {
        return agentTimeout;
    }

    public void setAgentTimeout(Duration agentTimeout) {
        this.agentTimeout = agentTimeout;
    }
}
