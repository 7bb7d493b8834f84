package io.basalt.mockexporter.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.mockexporter.simulation.ManualClock;
import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.mockexporter.simulation.TrafficShape;
import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FleetPageTest {

    private static SimulatedFleet fleet(MockExporterProperties props, long ticks) {
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
        fleet.advanceTo(ticks);
        return fleet;
    }

    private static ParsedPage page(MockExporterProperties props, ExpositionFormat format, String target) {
        return ParsedPage.parse(new FleetPage(fleet(props, 30), props.isDebugFamilies()).render(format, target),
                format);
    }

    @Test
    void textPageDeclaresEveryFamilyWithItsPrometheusType() {
        ParsedPage page = page(new MockExporterProperties(), ExpositionFormat.PROMETHEUS_TEXT, null);

        Map<String, MetricType> types = page.families().stream()
            .collect(Collectors.toMap(MetricMetadata::family, MetricMetadata::type));
        assertThat(types).containsEntry("http_requests_total", MetricType.COUNTER)
            .containsEntry("http_request_duration_seconds", MetricType.HISTOGRAM)
            .containsEntry("rpc_duration_seconds", MetricType.SUMMARY)
            .containsEntry("mock_exporter_build_info", MetricType.GAUGE)
            .containsEntry("node_uname_info", MetricType.GAUGE)
            .containsEntry("http_requests_in_flight", MetricType.GAUGE)
            .containsEntry("process_resident_memory_bytes", MetricType.GAUGE)
            .containsEntry("process_cpu_seconds_total", MetricType.COUNTER)
            .containsEntry("jvm_memory_used_bytes", MetricType.GAUGE)
            .containsEntry("jvm_gc_collections_total", MetricType.COUNTER);
        assertThat(types).hasSize(MockFamily.values().length);
        assertThat(page.family("http_requests_total").help()).isNotEmpty();
    }

    @Test
    void openMetricsPageNamesCountersAndInfoFamiliesWithoutTheirSuffixButKeepsSampleNames() {
        ParsedPage text = page(new MockExporterProperties(), ExpositionFormat.PROMETHEUS_TEXT, null);
        ParsedPage om = page(new MockExporterProperties(), ExpositionFormat.OPENMETRICS, null);

        assertThat(om.family("http_requests").type()).isEqualTo(MetricType.COUNTER);
        assertThat(om.family("mock_exporter_build").type()).isEqualTo(MetricType.INFO);
        assertThat(om.family("http_request_duration_seconds").unit()).isEqualTo("seconds");
        assertThat(om.family("process_resident_memory_bytes").unit()).isEqualTo("bytes");
        // A scraper stores the same series whichever format it negotiated.
        assertThat(om.samples().keySet()).isEqualTo(text.samples().keySet());
        assertThat(om.samples()).isEqualTo(text.samples());
    }

    @Test
    void familiesKeepTheLabelNamesDashboardsQuery() {
        ParsedPage page = page(new MockExporterProperties(), ExpositionFormat.PROMETHEUS_TEXT, null);

        assertThat(page.labelNames("http_requests_total")).containsExactly("method", "path", "pod", "status");
        assertThat(page.labelNames("http_request_duration_seconds_bucket"))
            .containsExactly("le", "method", "path", "pod");
        assertThat(page.labelNames("http_request_duration_seconds_count")).containsExactly("method", "path", "pod");
        assertThat(page.labelNames("rpc_duration_seconds")).containsExactly("pod", "quantile");
        assertThat(page.labelNames("rpc_duration_seconds_sum")).containsExactly("pod");
        assertThat(page.labelNames("mock_exporter_build_info")).containsExactly("revision", "version");
        assertThat(page.labelNames("node_uname_info")).containsExactly("machine", "nodename", "release", "sysname");
        assertThat(page.labelNames("http_requests_in_flight")).containsExactly("pod");
        assertThat(page.labelNames("process_resident_memory_bytes")).containsExactly("pod");
        assertThat(page.labelNames("jvm_memory_used_bytes")).containsExactly("area", "pod");
        assertThat(page.labelNames("jvm_gc_collections_total")).containsExactly("pod");

        assertThat(page.series("mock_exporter_build_info")).hasSize(1).containsValue(1.0);
        assertThat(labelValues(page, "http_requests_total", "method")).containsExactlyInAnyOrder("GET", "POST");
        assertThat(labelValues(page, "http_requests_total", "status"))
            .containsExactlyInAnyOrder("200", "404", "500");
        assertThat(labelValues(page, "http_requests_total", "pod"))
            .containsExactlyInAnyOrder("api-0", "api-1", "api-2");
    }

    @Test
    void scaleSettingsSetTheCardinalityOfEachLabel() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(5);
        props.setPaths(7);
        props.setMethods(4);
        props.setStatusCodes(9);
        ParsedPage page = page(props, ExpositionFormat.PROMETHEUS_TEXT, null);

        assertThat(labelValues(page, "http_requests_total", "pod")).hasSize(5);
        assertThat(labelValues(page, "http_requests_total", "path")).hasSize(7);
        assertThat(labelValues(page, "http_requests_total", "method")).hasSize(4);
        assertThat(labelValues(page, "http_requests_total", "status")).hasSize(9);
        assertThat(page.series("http_requests_total")).hasSize(5 * 7 * 4 * 9);
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void seriesPerTargetCountsWhatThePageServes(ExpositionFormat format) {
        for (boolean debug : List.of(true, false)) {
            MockExporterProperties props = new MockExporterProperties();
            props.setInstances(6);
            props.setPaths(9);
            props.setDebugFamilies(debug);
            SimulatedFleet fleet = fleet(props, 5);
            FleetPage fleetPage = new FleetPage(fleet, debug);

            ParsedPage page = ParsedPage.parse(fleetPage.render(format, "3"), format);

            assertThat(page.samples()).hasSize((int) fleetPage.seriesPerTarget());
            assertThat(page.samples().keySet().stream().anyMatch(l -> l.metricName().startsWith("mock_debug_")))
                .isEqualTo(debug);
        }
    }

    @Test
    void histogramBucketsAreCumulativeAndInfEqualsCount() {
        MockExporterProperties props = new MockExporterProperties();
        props.setRequestsPerSecond(200);
        ParsedPage page = page(props, ExpositionFormat.PROMETHEUS_TEXT, null);

        Map<Labels, Double> counts = page.series("http_request_duration_seconds_count");
        assertThat(counts).isNotEmpty();
        assertThat(counts.values()).anyMatch(c -> c > 100);
        counts.forEach((series, count) -> {
            double previous = 0;
            for (int b = 0; b < TrafficShape.BUCKETS.length; b++) {
                double bucket = page.value(bucket(series, FleetPage.number(TrafficShape.BUCKETS[b])));
                assertThat(bucket).as("bucket %s of %s", b, series).isGreaterThanOrEqualTo(previous);
                previous = bucket;
            }
            assertThat(page.value(bucket(series, "+Inf"))).isGreaterThanOrEqualTo(previous).isEqualTo(count);
            double sum = page.value(series.toBuilder().set(Labels.METRIC_NAME, "http_request_duration_seconds_sum")
                .build());
            assertThat(sum).isPositive();
        });
        // Latencies spread over several buckets rather than piling into one.
        Labels busiest = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        double count = counts.get(busiest);
        assertThat(page.value(bucket(busiest, "0.01"))).isLessThan(count);
        assertThat(page.value(bucket(busiest, "0.5"))).isGreaterThan(0);
    }

    @Test
    void summaryQuantilesRiseWithTheQuantile() {
        ParsedPage page = page(new MockExporterProperties(), ExpositionFormat.PROMETHEUS_TEXT, null);

        for (String pod : List.of("api-0", "api-1", "api-2")) {
            double p50 = page.value(Labels.of("__name__", "rpc_duration_seconds", "pod", pod, "quantile", "0.5"));
            double p90 = page.value(Labels.of("__name__", "rpc_duration_seconds", "pod", pod, "quantile", "0.9"));
            double p99 = page.value(Labels.of("__name__", "rpc_duration_seconds", "pod", pod, "quantile", "0.99"));
            assertThat(p50).isPositive().isLessThan(p90);
            assertThat(p90).isLessThan(p99);
        }
    }

    @Test
    void virtualTargetsLabelEverySeriesAndNeverShareOne() {
        MockExporterProperties props = new MockExporterProperties();
        FleetPage fleetPage = new FleetPage(fleet(props, 10), true);
        ParsedPage plain = ParsedPage.parse(fleetPage.render(ExpositionFormat.PROMETHEUS_TEXT, null),
                ExpositionFormat.PROMETHEUS_TEXT);
        ParsedPage seven = ParsedPage.parse(fleetPage.render(ExpositionFormat.PROMETHEUS_TEXT, "7"),
                ExpositionFormat.PROMETHEUS_TEXT);
        ParsedPage eight = ParsedPage.parse(fleetPage.render(ExpositionFormat.PROMETHEUS_TEXT, "8"),
                ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(plain.samples().keySet()).noneMatch(l -> l.has(FleetPage.TARGET_LABEL));
        assertThat(seven.samples().keySet()).allMatch(l -> l.get(FleetPage.TARGET_LABEL).equals("7"));
        Set<Labels> shared = new HashSet<>(seven.samples().keySet());
        shared.retainAll(eight.samples().keySet());
        assertThat(shared).isEmpty();
        // The same simulation behind every target: only the label differs.
        assertThat(seven.samples().size()).isEqualTo(plain.samples().size());
        seven.samples().forEach((labels, value) -> assertThat(plain.value(labels.without(FleetPage.TARGET_LABEL)))
            .isEqualTo(value));
    }

    @Test
    void podsDeclareTheirNodeAndEveryNodeIsDescribed() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(10);
        ParsedPage page = page(props, ExpositionFormat.PROMETHEUS_TEXT, null);

        Set<String> nodes = labelValues(page, "node_uname_info", "nodename");
        assertThat(nodes).hasSize(3);
        assertThat(labelValues(page, "mock_pod_info", "node")).isEqualTo(nodes);
        assertThat(page.series("mock_pod_info")).hasSize(10).allSatisfy((l, v) -> assertThat(v).isEqualTo(1.0));
    }

    @Test
    void aBenchmarkScalePageOfOverAHundredThousandSeriesIsServedWhole() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(100);
        props.setPaths(32);
        SimulatedFleet fleet = fleet(props, 3);
        FleetPage fleetPage = new FleetPage(fleet, true);

        ParsedPage page = ParsedPage.parse(fleetPage.render(ExpositionFormat.PROMETHEUS_TEXT, "199"),
                ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(fleetPage.seriesPerTarget()).isGreaterThan(100_000);
        assertThat(page.samples()).hasSize((int) fleetPage.seriesPerTarget());
    }

    private static Labels bucket(Labels series, String le) {
        return series.toBuilder().set(Labels.METRIC_NAME, "http_request_duration_seconds_bucket").set("le", le)
            .build();
    }

    private static Set<String> labelValues(ParsedPage page, String name, String label) {
        return page.series(name).keySet().stream().map(l -> l.get(label)).collect(Collectors.toSet());
    }
}
