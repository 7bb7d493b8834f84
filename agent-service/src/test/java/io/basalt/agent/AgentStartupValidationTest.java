package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStartupValidationTest {

    @TempDir
    Path dir;

    @Test
    void aWrongPropertyStopsTheAgentNamingIt() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yml"), "global: {scrape_interval: 1s}\n");

        assertThatThrownBy(() -> TestAgents.start(config, dir.resolve("data"), Map.of("basalt.agent.send-shards", "0")))
                .hasStackTraceContaining("basalt.agent.send-shards");
    }

    @Test
    void aBrokenConfigFileStopsTheAgentNamingTheFileLineAndField() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yml"), "scrape_configs:\n  - job_name: x\n    colour: red\n");

        assertThatThrownBy(() -> TestAgents.start(config, dir.resolve("data"), Map.of()))
                .hasStackTraceContaining("basalt.agent.config-file=")
                .hasStackTraceContaining("agent.yml:3: field colour not found in scrape_configs[0]");
    }
}
