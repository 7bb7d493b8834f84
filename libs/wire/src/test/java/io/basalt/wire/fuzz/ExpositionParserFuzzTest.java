package io.basalt.wire.fuzz;

import io.basalt.wire.remotewrite.GoldenFiles;
import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.ByteMutations;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionListener;
import io.basalt.wire.exposition.ExpositionParseException;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.metadata.MetricMetadata;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * A scrape target's page is untrusted input: whatever bytes it serves, the parser delivers samples or stops with an
 * {@link ExpositionParseException} naming a line, in both formats, and never with another exception.
 */
@AddLifecycleHook(FuzzBudget.class)
class ExpositionParserFuzzTest {

    /** Real pages (see golden/README.md), in the format each was served in. */
    private static final List<byte[]> PAGES = List.of(GoldenFiles.read("node-exporter-1.5.0.prom"),
            GoldenFiles.read("client-python-0.16.0.prom"), GoldenFiles.read("client-python-0.16.0.openmetrics"));

    /** The characters and words the grammar turns on, so that random lines get past the first token. */
    private static final List<String> VOCABULARY = List.of("metric_name", "up", "_total", "{", "}", "=", "\"", ",",
            "\\", "\\n", "\\\"", " ", "\t", "\r", "\n", "# ", "# HELP ", "# TYPE ", "# UNIT ", "# EOF", "counter",
            "gauge", "histogram", "summary", "info", "stateset", "unknown", "le=\"+Inf\"", "quantile=\"0.5\"", "1",
            "-0.5", "1e308", "1e-400", "NaN", "+Inf", "-Inf", "0x1p3", "1_000", "9223372036854775807",
            "-9223372036854775808", "99999999999999999999", "1.7e9", " # {trace_id=\"a\"} 1 1.5", "\u00e9",
            "\uD834\uDD1E", "\u0000", "\u00ff");

    @Property(tries = 1500)
    void randomBytesAreParsedOrRefused(@ForAll @Size(max = 400) byte[] page, @ForAll ExpositionFormat format) {
        parseOrRefuse(new ExpositionParser(format), page);
    }

    @Property(tries = 1500)
    void damagedRealPagesAreParsedOrRefused(@ForAll("damagedPages") byte[] page, @ForAll ExpositionFormat format) {
        boolean parsed = parseOrRefuse(new ExpositionParser(format), page);
        Statistics.collect(parsed ? "parsed" : "refused");
    }

    @Property(tries = 3000)
    void linesOfGrammarTokensAreParsedOrRefused(@ForAll("tokenPages") String page, @ForAll ExpositionFormat format) {
        parseOrRefuse(new ExpositionParser(format), page.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void shortLineLimitRefusesLongLinesCleanly(@ForAll("tokenPages") String page, @ForAll ExpositionFormat format) {
        parseOrRefuse(new ExpositionParser(format, 64), page.repeat(3).getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void streamsThatTrickleBytesParseOrRefuse(@ForAll("damagedPages") byte[] page, @ForAll ExpositionFormat format) {
        ExpositionParser parser = new ExpositionParser(format);
        Refusals.decodeOrRefuse(ExpositionParseException.class, e -> namesALineOf(page, e), () -> {
            parser.parse(new TricklingStream(page), new CheckingListener());
            return Boolean.TRUE;
        });
    }

    @Provide
    Arbitrary<byte[]> damagedPages() {
        return ByteMutations.mutated(Arbitraries.of(PAGES));
    }

    @Provide
    Arbitrary<String> tokenPages() {
        Arbitrary<String> line = Arbitraries.of(VOCABULARY).list().ofMaxSize(14).map(t -> String.join("", t));
        return line.list().ofMaxSize(6).map(lines -> String.join("\n", lines));
    }

    /** @return whether the page parsed to its end */
    private static boolean parseOrRefuse(ExpositionParser parser, byte[] page) {
        return Refusals.decodeOrRefuse(ExpositionParseException.class, e -> namesALineOf(page, e), () -> {
            parser.parse(page, new CheckingListener());
            return Boolean.TRUE;
        }) != null;
    }

    /** The error points at a line of the page (0 only for a page without lines, such as an empty one). */
    private static void namesALineOf(byte[] page, ExpositionParseException e) {
        int lines = page.length == 0 ? 0 : 1;
        for (byte b : page) {
            lines += b == '\n' ? 1 : 0;
        }
        assertThat(e.line()).isBetween(page.length == 0 ? 0 : 1, lines);
        assertThat(e.getMessage()).startsWith("line " + e.line() + ": ");
    }

    /** What a listener may rely on for every sample, however broken the rest of the page. */
    private static final class CheckingListener implements ExpositionListener {

        @Override
        public void sample(MetricMetadata family, Labels labels, double value, long timestampMillis) {
            assertThat(family).isNotNull();
            assertThat(labels.isEmpty()).isFalse();
        }
    }

    /** Hands out at most three bytes per read, as a slow connection does, to test the parser's buffer refills. */
    private static final class TricklingStream extends InputStream {

        private final byte[] data;

        private int pos;

        TricklingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 3), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
