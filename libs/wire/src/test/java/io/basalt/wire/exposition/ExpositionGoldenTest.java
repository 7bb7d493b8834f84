package io.basalt.wire.exposition;

import static io.basalt.wire.exposition.ExpositionParser.NO_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pages served by real exporters (see golden/README.md), parsed in full. */
class ExpositionGoldenTest {

    @Test
    void parsesTheWholeNodeExporterPage() throws IOException {
        RecordingListener page = parse("node-exporter-1.5.0.prom", ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(page.families).hasSize(283);
        Map<MetricType, Long> types = page.families.stream()
                .collect(Collectors.groupingBy(MetricMetadata::type, Collectors.counting()));
        assertThat(types).containsOnly(Map.entry(MetricType.COUNTER, 60L), Map.entry(MetricType.GAUGE, 175L),
                Map.entry(MetricType.SUMMARY, 1L), Map.entry(MetricType.UNKNOWN, 47L));
        assertThat(page.samples).hasSize(550);
        assertThat(page.samples).allSatisfy(s -> assertThat(s.timestamp()).isEqualTo(NO_TIMESTAMP));
    }

    @Test
    void nodeExporterValuesAndFamiliesAreRight() throws IOException {
        RecordingListener page = parse("node-exporter-1.5.0.prom", ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(page.only(Labels.of("__name__", "node_exporter_build_info", "branch", "debian/sid",
                "goarch", "amd64", "goos", "linux", "goversion", "go1.19.8", "revision", "1.5.0-1+b6",
                "version", "1.5.0")).value()).isEqualTo(1.0);
        assertThat(page.only(Labels.of("__name__", "node_filesystem_size_bytes", "device", "/dev/vda",
                "fstype", "ext4", "mountpoint", "/")).value()).isEqualTo(2.70553174016e+11);
        RecordingListener.Sample idle = page.only(Labels.of("__name__", "node_cpu_seconds_total", "cpu", "0",
                "mode", "idle"));
        assertThat(idle.value()).isEqualTo(480.59);
        assertThat(idle.family()).isEqualTo(new MetricMetadata(MetricType.COUNTER, "node_cpu_seconds_total",
                "Seconds the CPUs spent in each mode.", ""));
        assertThat(page.samples.stream().filter(s -> s.labels().metricName().equals("node_cpu_seconds_total")))
                .hasSize(16);
        assertThat(page.only(Labels.of("__name__", "go_gc_duration_seconds_count")).family().type())
                .isEqualTo(MetricType.SUMMARY);
    }

    @Test
    void parsesTheOpenMetricsPageOfThePythonClient() throws IOException {
        RecordingListener page = parse("client-python-0.16.0.openmetrics", ExpositionFormat.OPENMETRICS);

        Map<String, MetricMetadata> families = page.families.stream()
                .collect(Collectors.toMap(MetricMetadata::family, Function.identity()));
        assertThat(families).containsOnlyKeys("basalt_requests", "basalt_temperature_celsius",
                "basalt_special_values", "basalt_latency_seconds", "basalt_body_bytes", "basalt_build",
                "basalt_state", "basalt_last_seen");
        assertThat(families.get("basalt_requests")).isEqualTo(new MetricMetadata(MetricType.COUNTER,
                "basalt_requests", "Requests served.\nSecond line with a \\ backslash.", ""));
        assertThat(families.get("basalt_temperature_celsius").unit()).isEqualTo("celsius");
        assertThat(families.get("basalt_build").type()).isEqualTo(MetricType.INFO);
        assertThat(families.get("basalt_state").type()).isEqualTo(MetricType.STATESET);

        assertThat(page.only(Labels.of("__name__", "basalt_requests_total", "code", "400",
                "path", "/quote\"d\\path\nnext")).value()).isEqualTo(2.0);
        assertThat(page.only(Labels.of("__name__", "basalt_requests_total", "code", "200",
                "path", "/ünïcødé/𝄞")).value()).isEqualTo(0.5);
        RecordingListener.Sample withExemplar = page.only(Labels.of("__name__", "basalt_requests_total",
                "code", "200", "path", "/exemplar"));
        assertThat(withExemplar.value()).isEqualTo(3.0);
        assertThat(withExemplar.timestamp()).as("the exemplar's timestamp is not the sample's")
                .isEqualTo(NO_TIMESTAMP);
        assertThat(page.only(Labels.of("__name__", "basalt_latency_seconds_bucket", "le", "0.1")).value())
                .isEqualTo(4.0);
        assertThat(page.only(Labels.of("__name__", "basalt_latency_seconds_bucket", "le", "0.1")).family()
                .family()).isEqualTo("basalt_latency_seconds");
        assertThat(page.only(Labels.of("__name__", "basalt_temperature_celsius")).value()).isEqualTo(-12.75);
        assertThat(page.only(Labels.of("__name__", "basalt_state", "basalt_state", "running")).value())
                .isEqualTo(1.0);
        assertThat(page.only(Labels.of("__name__", "basalt_last_seen", "node", "a")).timestamp())
                .isEqualTo(1_700_000_000_123L);
        assertSpecialValues(page);
    }

    @Test
    void textAndOpenMetricsPagesOfTheSameRegistryAgree() throws IOException {
        RecordingListener text = parse("client-python-0.16.0.prom", ExpositionFormat.PROMETHEUS_TEXT);
        RecordingListener openMetrics = parse("client-python-0.16.0.openmetrics", ExpositionFormat.OPENMETRICS);

        assertThat(text.values().keySet()).containsExactlyInAnyOrderElementsOf(openMetrics.values().keySet());
        text.samples.forEach(s -> {
            RecordingListener.Sample other = openMetrics.only(s.labels());
            assertThat(Double.compare(other.value(), s.value())).as(s.labels().toString()).isZero();
            assertThat(other.timestamp()).as(s.labels().toString()).isEqualTo(s.timestamp());
        });
        assertThat(text.only(Labels.of("__name__", "basalt_last_seen", "node", "a")).timestamp())
                .isEqualTo(1_700_000_000_123L);
        assertThat(text.family("basalt_requests_total").type()).isEqualTo(MetricType.COUNTER);
        assertSpecialValues(text);
    }

    private static void assertSpecialValues(RecordingListener page) {
        assertThat(page.only(Labels.of("__name__", "basalt_special_values", "kind", "nan")).value()).isNaN();
        assertThat(page.only(Labels.of("__name__", "basalt_special_values", "kind", "pinf")).value())
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(page.only(Labels.of("__name__", "basalt_special_values", "kind", "ninf")).value())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Double.doubleToRawLongBits(page.only(Labels.of("__name__", "basalt_special_values",
                "kind", "negzero")).value())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    private static RecordingListener parse(String name, ExpositionFormat format) throws IOException {
        RecordingListener listener = new RecordingListener();
        try (InputStream in = ExpositionGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            new ExpositionParser(format).parse(in, listener);
        }
        return listener;
    }
}
