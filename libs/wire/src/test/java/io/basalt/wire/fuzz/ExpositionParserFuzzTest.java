package io.basalt.wire.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import io.basalt.wire.remotewrite.GoldenFiles;

import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionListener;
import io.basalt.wire.exposition.ExpositionParseException;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.metadata.MetricMetadata;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scrape target's page is untrusted input: whatever bytes it serves, the parser delivers samples or stops with an
 * {@link ExpositionParseException} naming a line, in both formats, and never with another exception, a hang or an
 * allocation sized by the page's claims.
 *
 * <p>Jazzer targets replay their corpus in {@code src/test/resources/io/basalt/wire/fuzz/ExpositionParserFuzzTestInputs/}
 * in every build (the real pages, and token lines) and are fuzzed with {@code -Pfuzz}. The seeded {@code @Test}s
 * damage the real pages and build token pages with a new seed in every build.
 */
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

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    /** Any bytes, parsed in both formats. */
    @FuzzTest(maxDuration = "5m")
    void page(byte[] page) {
        for (ExpositionFormat format : ExpositionFormat.values()) {
            parseOrRefuse(new ExpositionParser(format), page);
            parseOrRefuse(new ExpositionParser(format, 64), page);
        }
        trickled(page, ExpositionFormat.values()[page.length % ExpositionFormat.values().length]);
    }

    /** Structure-aware: a real page damaged, or lines of grammar tokens, in a format the fuzzer chooses. */
    @FuzzTest(maxDuration = "5m")
    void builtPages(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        ExpositionFormat format = g.oneOf(ExpositionFormat.values());
        byte[] page = g.bool() ? ByteMutations.mutated(g, g.pick(PAGES))
                : tokenPage(g).getBytes(StandardCharsets.UTF_8);
        parseOrRefuse(new ExpositionParser(format), page);
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomBytesAreParsedOrRefused() {
        Seeded.forAll(1500, g -> parseOrRefuse(new ExpositionParser(g.oneOf(ExpositionFormat.values())),
                g.bytes(400)));
    }

    @Test
    void damagedRealPagesAreParsedOrRefused() {
        Seeded.forAll(1500, g -> parseOrRefuse(new ExpositionParser(g.oneOf(ExpositionFormat.values())),
                ByteMutations.mutated(g, g.pick(PAGES))));
    }

    @Test
    void linesOfGrammarTokensAreParsedOrRefused() {
        Seeded.forAll(3000, g -> parseOrRefuse(new ExpositionParser(g.oneOf(ExpositionFormat.values())),
                tokenPage(g).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shortLineLimitRefusesLongLinesCleanly() {
        Seeded.forAll(1000, g -> parseOrRefuse(new ExpositionParser(g.oneOf(ExpositionFormat.values()), 64),
                tokenPage(g).repeat(3).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void streamsThatTrickleBytesParseOrRefuse() {
        Seeded.forAll(500, g -> trickled(ByteMutations.mutated(g, g.pick(PAGES)),
                g.oneOf(ExpositionFormat.values())));
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> pages = new LinkedHashMap<>();
        pages.put("node-exporter-1.5.0.prom", PAGES.get(0));
        pages.put("client-python-0.16.0.prom", PAGES.get(1));
        pages.put("client-python-0.16.0.openmetrics", PAGES.get(2));
        for (int i = 0; i < 8; i++) {
            pages.put("tokens-" + i, tokenPage(Gen.seeded(i)).getBytes(StandardCharsets.UTF_8));
        }
        pages.put("exemplar.openmetrics", ("# TYPE a counter\na_total{x=\"y\"} 1 # {trace_id=\"a\"} 1 1.5\n# EOF\n")
                .getBytes(StandardCharsets.UTF_8));
        pages.put("escapes.prom", "a{b=\"\\\"\\n\\\\\"} +Inf -1\n".getBytes(StandardCharsets.UTF_8));
        Corpus.write(getClass(), "builtPages", Corpus.randomChoices(24, 256));
        Corpus.write(getClass(), "page", pages);
    }

    // --- shared -------------------------------------------------------------------------------------------------

    private static String tokenPage(Gen g) {
        return String.join("\n", g.list(0, 6, l -> String.join("", l.list(0, 14, t -> t.pick(VOCABULARY)))));
    }

    private static void trickled(byte[] page, ExpositionFormat format) {
        ExpositionParser parser = new ExpositionParser(format);
        Refusals.decodeOrRefuse(ExpositionParseException.class, e -> namesALineOf(page, e), () -> {
            parser.parse(new TricklingStream(page), new CheckingListener());
            return Boolean.TRUE;
        });
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
