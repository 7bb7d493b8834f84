package io.basalt.mockexporter.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.mockexporter.simulation.ManualClock;
import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;

/** Invariants every page must keep, whatever the scale and seed. */
class FleetPageInvariantsTest {

    @Test
    void pagesKeepHistogramAndCounterInvariantsAndReadTheSameInBothFormats() {
        Seeded.forAll(40, g -> pagesKeepHistogramAndCounterInvariantsAndReadTheSameInBothFormats(g.anyLong(),
                g.intBetween(1, 4), g.intBetween(1, 5), g.intBetween(1, 7), g.intBetween(1, 15), g.intBetween(1, 40)));
    }

    private static void pagesKeepHistogramAndCounterInvariantsAndReadTheSameInBothFormats(long seed, int instances,
            int paths, int methods, int statuses, int ticks) {
        MockExporterProperties props = new MockExporterProperties();
        props.setSeed(seed);
        props.setInstances(instances);
        props.setPaths(paths);
        props.setMethods(methods);
        props.setStatusCodes(statuses);
        props.setMeanTimeBetweenRestarts(Duration.ZERO);
        props.setRequestsPerSecond(100);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(Instant.EPOCH));
        FleetPage page = new FleetPage(fleet, true);
        fleet.advanceTo(ticks);
        ParsedPage before = ParsedPage.parse(page.render(ExpositionFormat.PROMETHEUS_TEXT, null),
                ExpositionFormat.PROMETHEUS_TEXT);
        fleet.advanceTo(ticks + 5);
        ParsedPage text = ParsedPage.parse(page.render(ExpositionFormat.PROMETHEUS_TEXT, null),
                ExpositionFormat.PROMETHEUS_TEXT);
        ParsedPage openMetrics = ParsedPage.parse(page.render(ExpositionFormat.OPENMETRICS, null),
                ExpositionFormat.OPENMETRICS);

        assertThat(openMetrics.samples()).isEqualTo(text.samples());
        assertThat(text.samples()).hasSize((int) page.seriesPerTarget());
        for (Map.Entry<Labels, Double> e : text.series("http_request_duration_seconds_count").entrySet()) {
            Labels bucket = e.getKey().toBuilder().set(Labels.METRIC_NAME, "http_request_duration_seconds_bucket")
                .build();
            assertThat(text.value(bucket.toBuilder().set("le", "+Inf").build())).isEqualTo(e.getValue());
            assertThat(text.value(bucket.toBuilder().set("le", "0.005").build()))
                .isLessThanOrEqualTo(text.value(bucket.toBuilder().set("le", "0.1").build()));
        }
        text.samples().forEach((labels, value) -> {
            String name = labels.metricName();
            if (name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_count")) {
                assertThat(value).as("%s", labels).isGreaterThanOrEqualTo(before.value(labels));
            }
        });
        double served = text.series("http_requests_total").values().stream().mapToDouble(Double::doubleValue).sum();
        double timed = text.series("http_request_duration_seconds_count").values().stream()
            .mapToDouble(Double::doubleValue).sum();
        assertThat(served).isEqualTo(timed).isPositive();
    }
}
