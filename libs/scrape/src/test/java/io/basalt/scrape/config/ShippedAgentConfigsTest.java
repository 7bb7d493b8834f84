package io.basalt.scrape.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The region configs the deployment ships under {@code config/agents} (and their secure variants in
 * {@code config/agents/secure}) must load in the agent as they are.
 */
class ShippedAgentConfigsTest {

    @Test
    void everyShippedRegionConfigLoads() throws IOException {
        Path dir = Path.of("..", "..", "config", "agents");
        assumeTrue(Files.isDirectory(dir), "no config/agents directory next to agent-service");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir, 2)) {
            files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
        assumeTrue(!files.isEmpty(), "no agent configs shipped yet");
        for (Path f : files) {
            AgentConfig c = AgentConfigLoader.load(f);
            assertThat(c.scrapeConfigs()).as(f.toString()).isNotEmpty();
            assertThat(c.remoteWrite()).as(f.toString()).isNotEmpty();
        }
    }
}
