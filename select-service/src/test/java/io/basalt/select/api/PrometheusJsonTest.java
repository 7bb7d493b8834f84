package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.promql.engine.QueryResult;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import io.basalt.fuzzing.Seeded;
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
    void valuesUseTheShortestDigitsThatReadBackAsGoPrintsThem() {
        // Java 17's Double.toString prints 8.0522777147371376E16 here; Go prints the 16-digit form.
        assertThat(PrometheusJson.formatValue(8.0522777147371376E16)).isEqualTo("80522777147371380");
        assertThat(PrometheusJson.formatValue(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PrometheusJson.formatValue(-0.0)).isEqualTo("-0");
        assertThat(PrometheusJson.formatValue(123456789012.5)).isEqualTo("123456789012.5");
        // At a power of two the next double down is closer than the next one up: Go finds 16 digits here.
        assertThat(PrometheusJson.formatValue(Math.scalb(1.0, -24))).isEqualTo("0.00000005960464477539063");
        // Java 17's Double.toString is not shortest for some subnormals (4.9E-324); Go's is one digit.
        assertThat(PrometheusJson.formatValue(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5");
    }

    @Test
    void everyFiniteValueReadsBackExactly() {
        Seeded.forAll(2000, g -> {
            double v = g.bool() ? g.anyDoubleBits() : g.anyDouble();
            if (!Double.isFinite(v)) {
                v = g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE) / 1e6;
            }

            assertThat(Double.parseDouble(PrometheusJson.formatValue(v))).isEqualTo(v);
        });
    }

    @Test
    void largeAnswersAreStreamedInChunksThatJoinToTheSameDocument() {
        List<TimeSeries> many = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            many.add(TimeSeries.single(Labels.of("__name__", "m", "i", Integer.toString(i)), 1_000L * i, i));
        }
        QueryResult result = new QueryResult.Matrix(many);

        List<String> chunks = new ArrayList<>();
        PrometheusJson.envelope(PrometheusJson.queryDataChunks(result), List.of(), false)
            .forEach(b -> chunks.add(PrometheusJson.join(List.of(b))));

        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(String.join("", chunks)).isEqualTo(PrometheusJson.success(PrometheusJson.queryData(result),
                List.of(), false));
        assertThat(String.join("", chunks)).startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
                + "\"result\":[{\"metric\":{\"__name__\":\"m\",\"i\":\"0\"},\"values\":[[0,\"0\"]]},").endsWith("]}}");
    }

    @Test
    void chunksStayWithinTheirSizeUnlessOneItemIsBigger() {
        List<TimeSeries> many = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            many.add(TimeSeries.single(Labels.of("__name__", "m", "i", Integer.toString(i)), 1_000L * i, i));
        }
        long[] ts = new long[20_000];
        double[] vs = new double[20_000];
        for (int k = 0; k < ts.length; k++) {
            ts[k] = 1_700_000_000_000L + 15_000L * k;
            vs[k] = k / 3.0;
        }
        TimeSeries big = new TimeSeries(Labels.of("__name__", "m", "i", "big"), ts, vs);
        many.add(1_500, big);

        int bigChunks = 0;
        for (var chunk : PrometheusJson.queryDataChunks(new QueryResult.Matrix(many))) {
            if (chunk.remaining() > PrometheusJson.CHUNK_BYTES + 64) {
                bigChunks++;
                assertThat(PrometheusJson.join(List.of(chunk))).contains("\"big\"");
            }
        }
        assertThat(bigChunks).isEqualTo(1);
    }

    @Test
    void exportLinesLeaveOutStaleMarkers() {
        TimeSeries ts = new TimeSeries(Labels.of("__name__", "up"), new long[] { 1000, 2000, 3000 },
                new double[] { 1, StaleMarker.VALUE, Double.NaN });

        assertThat(PrometheusJson.join(PrometheusJson.exportLines(List.of(ts))))
            .isEqualTo("{\"metric\":{\"__name__\":\"up\"},\"values\":[1,null],\"timestamps\":[1000,3000]}\n");
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
