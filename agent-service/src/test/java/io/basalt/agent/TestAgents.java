package io.basalt.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a real agent on a random port, as {@code java -jar} would, with test-sized intervals. */
final class TestAgents {

    private TestAgents() {
    }

    static ConfigurableApplicationContext start(Path config, Path data, Map<String, String> extra) {
        return start(config, data, extra, new Class<?>[0]);
    }

    /** @param sources configuration classes added to the agent's, as another module's auto-configuration would be */
    static ConfigurableApplicationContext start(Path config, Path data, Map<String, String> extra,
            Class<?>... sources) {
        List<String> props = new ArrayList<>(List.of(
                "server.port=0",
                "basalt.agent.config-file=" + config,
                "basalt.agent.data-path=" + data,
                "basalt.agent.fsync-interval=100ms",
                "basalt.agent.send-shards=2",
                "spring.cloud.loadbalancer.health-check.interval=500ms",
                // Health checks every 500 ms never leave the event loops idle for the default 2 s quiet period, so
                // each close would wait out the 15 s shutdown timeout.
                "spring.reactor.netty.shutdown-quiet-period=0s"));
        extra.forEach((k, v) -> props.add(k + "=" + v));
        // As command-line arguments, so they override application.yml as an operator's flags would.
        return new SpringApplicationBuilder(AgentApplication.class).sources(sources)
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
    }
}
