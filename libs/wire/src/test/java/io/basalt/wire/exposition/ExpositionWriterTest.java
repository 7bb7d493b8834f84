package io.basalt.wire.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import org.junit.jupiter.api.Test;

class ExpositionWriterTest {

    @Test
    void writesTextFormat004() {
        StringBuilder page = new StringBuilder();
        new ExpositionWriter(page, ExpositionFormat.PROMETHEUS_TEXT)
                .family(new MetricMetadata(MetricType.COUNTER, "http_requests_total", "Requests \"served\".\nAll.",
                        "requests"))
                .sample(Labels.of("__name__", "http_requests_total", "path", "/a\"b\\c\nd", "code", "200"), 1027)
                .sample(Labels.of("__name__", "http_requests_total", "code", "500"), 3, 1_700_000_000_123L)
                .family(MetricMetadata.unknown("temperature"))
                .sample(Labels.of("__name__", "temperature"), -0.0)
                .sample(Labels.of("__name__", "temperature"), 0.1)
                .sample(Labels.of("__name__", "temperature"), 1e300)
                .sample(Labels.of("__name__", "temperature"), StaleMarker.VALUE)
                .sample(Labels.of("__name__", "temperature"), Double.NEGATIVE_INFINITY)
                .finish();

        assertThat(page.toString()).isEqualTo("""
                # HELP http_requests_total Requests "served".\\nAll.
                # TYPE http_requests_total counter
                http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027
                http_requests_total{code="500"} 3 1700000000123
                # TYPE temperature untyped
                temperature -0
                temperature 0.1
                temperature 1.0E300
                temperature NaN
                temperature -Inf
                """);
    }

    @Test
    void writesOpenMetricsWithUnitSecondsTimestampsAndEof() {
        StringBuilder page = new StringBuilder();
        new ExpositionWriter(page, ExpositionFormat.OPENMETRICS)
                .family(new MetricMetadata(MetricType.GAUGE, "room_celsius", "Say \"hi\".", "celsius"))
                .sample(Labels.of("__name__", "room_celsius"), 21.5, 1_700_000_000_120L)
                .sample(Labels.of("__name__", "room_celsius"), 22, 1_700_000_000_000L)
                .sample(Labels.of("__name__", "room_celsius"), 23, -1)
                .family(MetricMetadata.unknown("other"))
                .finish();

        assertThat(page.toString()).isEqualTo("""
                # HELP room_celsius Say \\"hi\\".
                # TYPE room_celsius gauge
                # UNIT room_celsius celsius
                room_celsius 21.5 1700000000.12
                room_celsius 22 1700000000
                room_celsius 23 -0.001
                # TYPE other unknown
                # EOF
                """);
    }

    @Test
    void sampleWithoutMetricNameIsRefused() {
        ExpositionWriter writer = new ExpositionWriter(new StringBuilder(), ExpositionFormat.PROMETHEUS_TEXT);

        assertThatThrownBy(() -> writer.sample(Labels.of("job", "x"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__name__");
    }
}
