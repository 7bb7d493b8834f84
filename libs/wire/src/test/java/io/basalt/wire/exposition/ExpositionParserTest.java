package io.basalt.wire.exposition;

import static io.basalt.wire.exposition.ExpositionParser.NO_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExpositionParserTest {

    private static final ExpositionParser TEXT = new ExpositionParser(ExpositionFormat.PROMETHEUS_TEXT);

    private static final ExpositionParser OPENMETRICS = new ExpositionParser(ExpositionFormat.OPENMETRICS);

    @Test
    void textTimestampsAreMillisecondsAndOpenMetricsTimestampsAreSeconds() {
        assertThat(parse(TEXT, "a 1 1700000000123\n").samples.get(0).timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(parse(OPENMETRICS, "a 1 1700000000.123\n# EOF\n").samples.get(0).timestamp())
                .isEqualTo(1_700_000_000_123L);
        assertThat(parse(OPENMETRICS, "a 1 1700000000\n# EOF\n").samples.get(0).timestamp())
                .isEqualTo(1_700_000_000_000L);
        assertThat(parse(OPENMETRICS, "a 1 -0.5\n# EOF\n").samples.get(0).timestamp()).isEqualTo(-500);
        assertThat(parse(OPENMETRICS, "a 1 1.7e9\n# EOF\n").samples.get(0).timestamp())
                .isEqualTo(1_700_000_000_000L);
        assertThat(parse(OPENMETRICS, "a 1 1700000000.1234567\n# EOF\n").samples.get(0).timestamp())
                .as("rounded to the nearest millisecond").isEqualTo(1_700_000_000_123L);
        assertThat(parse(TEXT, "a 1\n").samples.get(0).timestamp()).isEqualTo(NO_TIMESTAMP);
    }

    @Test
    void valuesInEveryNotationExportersUse() {
        RecordingListener page = parse(TEXT, """
                a{k="1"} 42
                a{k="2"} -3.25
                a{k="3"} 1.5e-7
                a{k="4"} +Inf
                a{k="5"} -Inf
                a{k="6"} NaN
                a{k="7"} 0x1p-2
                a{k="8"} 123456789012345678901234567890
                a{k="9"} .5
                a{k="10"} -0
                a{k="11"} 1E+3
                """);

        assertThat(page.samples).extracting(RecordingListener.Sample::value).containsExactly(42.0, -3.25, 1.5e-7,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.25, 1.2345678901234568e29, 0.5,
                -0.0, 1000.0);
    }

    @Test
    void labelValueEscapesAreDecoded() {
        RecordingListener page = parse(TEXT, "a{path=\"C:\\\\dir\\\\\",q=\"say \\\"hi\\\"\",nl=\"1\\n2\"} 1\n");

        assertThat(page.samples.get(0).labels()).isEqualTo(Labels.of("__name__", "a", "path", "C:\\dir\\",
                "q", "say \"hi\"", "nl", "1\n2"));
    }

    @Test
    void helpEscapesFollowEachFormat() {
        String page = "# HELP a Back\\\\slash, new\\nline and a \\\"quote\\\".\n# TYPE a gauge\na 1\n";

        assertThat(parse(TEXT, page).families.get(0).help())
                .isEqualTo("Back\\slash, new\nline and a \\\"quote\\\".");
        assertThat(parse(OPENMETRICS, page + "# EOF\n").families.get(0).help())
                .isEqualTo("Back\\slash, new\nline and a \"quote\".");
    }

    @Test
    void samplesAreTiedToTheirFamilyBySuffix() {
        RecordingListener page = parse(OPENMETRICS, """
                # TYPE req counter
                # HELP req Requests.
                req_total 5
                req_created 1.7e9
                # TYPE lat histogram
                lat_bucket{le="+Inf"} 2
                lat_count 2
                lat_sum 0.5
                orphan 7
                # TYPE build info
                build_info{v="1"} 1
                # EOF
                """);

        MetricMetadata req = new MetricMetadata(MetricType.COUNTER, "req", "Requests.", "");
        assertThat(page.families).containsExactly(req, new MetricMetadata(MetricType.HISTOGRAM, "lat", "", ""),
                MetricMetadata.unknown("orphan"), new MetricMetadata(MetricType.INFO, "build", "", ""));
        assertThat(page.samples).extracting(s -> s.family().family()).containsExactly("req", "req", "lat", "lat",
                "lat", "orphan", "build");
    }

    @Test
    void familyWithoutSamplesIsStillAnnounced() {
        RecordingListener page = parse(TEXT, "# HELP empty Nothing yet.\n# TYPE empty gauge\n# TYPE b counter\nb 1\n");

        assertThat(page.families).containsExactly(new MetricMetadata(MetricType.GAUGE, "empty", "Nothing yet.", ""),
                new MetricMetadata(MetricType.COUNTER, "b", "", ""));
    }

    @Test
    void whatRealExportersGetWrongIsTolerated() {
        RecordingListener page = parse(TEXT, "\r\n# a free comment\r\n\n  a { x = \"1\" , y=\"2\", } 1\r\n"
                + "b{} 2\t1000\nc 3 # {trace_id=\"x\"} 1 1.5\nd{e=\"\"} 4\n");

        assertThat(page.values()).containsExactly(
                java.util.Map.entry(Labels.of("__name__", "a", "x", "1", "y", "2"), 1.0),
                java.util.Map.entry(Labels.of("__name__", "b"), 2.0),
                java.util.Map.entry(Labels.of("__name__", "c"), 3.0),
                java.util.Map.entry(Labels.of("__name__", "d"), 4.0));
        assertThat(page.samples.get(1).timestamp()).isEqualTo(1000);
    }

    @Test
    void openMetricsExemplarIsSkippedAndTheSampleTimestampKept() {
        RecordingListener page = parse(OPENMETRICS,
                "# TYPE c counter\nc_total 3 1700000000.5 # {trace_id=\"abc\"} 1.0 1700000000.1\n# EOF\n");

        assertThat(page.samples).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(3.0);
            assertThat(s.timestamp()).isEqualTo(1_700_000_000_500L);
        });
    }

    @Test
    void errorsNameTheLineAndWhatIsWrong() {
        assertError(TEXT, "a 1\nb{x=\"1\" 2\n", 2, "expected ',' or '}' after the value of label \"x\"");
        assertError(TEXT, "a 1\n\n9lives 2\n", 3, "expected a metric name");
        assertError(TEXT, "a{x=\"1\",x=\"2\"} 1\n", 1, "duplicate label name 'x'");
        assertError(TEXT, "a{__name__=\"b\"} 1\n", 1, "duplicate label name '__name__'");
        assertError(TEXT, "a{1x=\"1\"} 1\n", 1, "invalid label name");
        assertError(TEXT, "a{x=1} 1\n", 1, "expected '\"' to open the value of label \"x\"");
        assertError(TEXT, "a{x=\"1} 1\n", 1, "value of label \"x\" is not closed");
        assertError(TEXT, "a\n", 1, "missing value for a");
        assertError(TEXT, "a one\n", 1, "invalid value \"one\"");
        assertError(TEXT, "a 1.5f\n", 1, "invalid value \"1.5f\"");
        assertError(TEXT, "a 1 1.5\n", 1, "invalid timestamp \"1.5\": expected integer milliseconds");
        assertError(TEXT, "a 1 99999999999999999999\n", 1, "invalid timestamp");
        assertError(TEXT, "a 1 2 3\n", 1, "unexpected text after the sample: \"3\"");
        assertError(TEXT, "# TYPE a meter\n", 1, "unknown metric type \"meter\" for a");
        assertError(TEXT, "# HELP\n", 1, "# HELP needs a metric name");
        assertError(TEXT, "# TYPE a-b gauge\n", 1, "invalid metric name \"a-b\"");
        assertError(OPENMETRICS, "a 1 soon\n# EOF\n", 1, "invalid timestamp \"soon\": expected seconds");
        assertError(OPENMETRICS, "a 1\nb 2\n", 2, "an OpenMetrics page must end with \"# EOF\"");
        assertError(OPENMETRICS, "a 1\n# EOF\nb 2\n", 3, "content after # EOF");
    }

    @Test
    void samplesBeforeAnErrorHaveBeenDelivered() {
        RecordingListener listener = new RecordingListener();

        catchThrowableOfType(ExpositionParseException.class,
                () -> TEXT.parse("a 1\nb 2\nc{ 3\n".getBytes(StandardCharsets.UTF_8), listener));

        assertThat(listener.samples).extracting(s -> s.labels().metricName()).containsExactly("a", "b");
    }

    @Test
    void overlongLineIsRefusedInsteadOfBuffered() {
        ExpositionParser parser = new ExpositionParser(ExpositionFormat.PROMETHEUS_TEXT, 100);
        String page = "a 1\nb{x=\"" + "y".repeat(200) + "\"} 2\n";

        ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class,
                () -> parser.parse(page.getBytes(StandardCharsets.UTF_8), new RecordingListener()));

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).isEqualTo("line 2: line longer than 100 bytes");
    }

    @Test
    void readsAStreamThatArrivesOneByteAtATime() throws IOException {
        byte[] page = "# TYPE a gauge\na{x=\"ü\"} 1\n\nb 2 17\n".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < page.length ? page[next++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next >= page.length) {
                    return -1;
                }
                b[off] = page[next++];
                return 1;
            }
        };
        RecordingListener listener = new RecordingListener();

        TEXT.parse(trickle, listener);

        assertThat(listener.values()).containsExactly(java.util.Map.entry(Labels.of("__name__", "a", "x", "ü"), 1.0),
                java.util.Map.entry(Labels.of("__name__", "b"), 2.0));
    }

    /** A page far larger than the parser's buffer, generated on the fly: it is parsed without holding it whole. */
    @Test
    void streamsAPageLargerThanItsBuffer() throws IOException {
        int lines = 200_000;
        InputStream generated = new InputStream() {
            private int line;

            private byte[] current = new byte[0];

            private int at;

            @Override
            public int read() {
                if (at == current.length) {
                    if (line == lines) {
                        return -1;
                    }
                    current = ("series{i=\"" + line + "\"} " + line + "\n").getBytes(StandardCharsets.US_ASCII);
                    line++;
                    at = 0;
                }
                return current[at++];
            }
        };
        long[] count = new long[2];

        TEXT.parse(generated, (family, labels, value, ts) -> {
            count[0]++;
            count[1] += (long) value;
        });

        assertThat(count[0]).isEqualTo(lines);
        assertThat(count[1]).isEqualTo((long) lines * (lines - 1) / 2);
    }

    @Test
    void contentTypeSelectsTheFormat() {
        assertThat(ExpositionFormat.fromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(ExpositionFormat.OPENMETRICS);
        assertThat(ExpositionFormat.fromContentType("text/plain; version=0.0.4"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.fromContentType(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }

    private static void assertError(ExpositionParser parser, String page, int line, String message) {
        ExpositionParseException e = catchThrowableOfType(ExpositionParseException.class,
                () -> parser.parse(page.getBytes(StandardCharsets.UTF_8), new RecordingListener()));
        assertThat(e).as("parsing %s should fail", page).isNotNull();
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.getMessage()).startsWith("line " + line + ": ").contains(message);
    }

    private static RecordingListener parse(ExpositionParser parser, String page) {
        RecordingListener listener = new RecordingListener();
        parser.parse(page.getBytes(StandardCharsets.UTF_8), listener);
        return listener;
    }
}
