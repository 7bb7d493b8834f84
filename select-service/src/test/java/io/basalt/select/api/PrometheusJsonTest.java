package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.promql.engine.QueryResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusJsonTest {

    @Test
    void valuesAreFormattedAsPrometheusFormatsThem() {
        assertThat(PrometheusJson.formatValue(1)).isEqualTo("1");
        assertThat(PrometheusJson.formatValue(0.1)).isEqualTo("0.1");
        assertThat(PrometheusJson.formatValue(1e21)).isEqualTo("1000000000000000000000");
        assertThat(PrometheusJson.formatValue(1.5e-7)).isEqualTo("0.00000015");
        assertThat(PrometheusJson.formatValue(-2.5)).isEqualTo("-2.5");
        assertThat(PrometheusJson.formatValue(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusJson.formatValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusJson.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void vectorHasPrometheusShape() {
        String json = PrometheusJson.queryData(new QueryResult.Vector(List.of(
                new QueryResult.Sample(Labels.of("__name__", "up", "job", "a\"b"), 1_700_000_000_123L, 1))));

        assertThat(json).isEqualTo("{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"up\","
                + "\"job\":\"a\\\"b\"},\"value\":[1700000000.123,\"1\"]}]}");
    }

    @Test
    void scalarAtWholeSecondHasNoFraction() {
        assertThat(PrometheusJson.queryData(new QueryResult.Scalar(1_700_000_000_000L, 2)))
            .isEqualTo("{\"resultType\":\"scalar\",\"result\":[1700000000,\"2\"]}");
    }

    @Test
    void partialAnswersSayIsPartialAndCarryWarnings() {
        assertThat(PrometheusJson.success("[]", List.of("storage node x did not answer"), true))
            .isEqualTo("{\"status\":\"success\",\"isPartial\":true,\"data\":[],"
                    + "\"warnings\":[\"storage node x did not answer\"]}");
    }

    @Test
    void errorsHaveTypeAndMessage() {
        assertThat(PrometheusJson.error("bad_data", "1:5: parse error"))
            .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}");
    }
}
