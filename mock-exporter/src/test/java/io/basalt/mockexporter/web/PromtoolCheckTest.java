package io.basalt.mockexporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.mockexporter.exposition.FleetPage;
import io.basalt.mockexporter.simulation.ManualClock;
import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.wire.exposition.ExpositionFormat;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Prometheus' own linter reads what we serve: {@code promtool check metrics} must find nothing to report. */
class PromtoolCheckTest {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void promtoolFindsNoProblemOnThePlainPage() throws Exception {
        assertPromtoolAccepts(null);
    }

    @Test
    void promtoolFindsNoProblemOnAVirtualTargetsPage() throws Exception {
        assertPromtoolAccepts("12");
    }

    private static void assertPromtoolAccepts(String target) throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed at " + PROMTOOL
                + " (apt-get install prometheus); skipping the lint of the page");
        MockExporterProperties props = new MockExporterProperties();
        props.setPodChurnPerMinute(30);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
        fleet.advanceTo(120);
        String page = new FleetPage(fleet, true).render(ExpositionFormat.PROMETHEUS_TEXT, target);

        Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true)
            .start();
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(page.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(promtool.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(report).isEmpty();
        assertThat(promtool.exitValue()).isZero();
    }
}
