package io.basalt.insert.fuzz;

import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.ByteMutations;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.imports.JsonLinesImport;
import io.basalt.insert.imports.SampleSink;
import io.basalt.model.Labels;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code /api/v1/import} takes JSON lines from anyone who can reach the insert port. The reader answers any body with
 * samples or an {@link IllegalArgumentException} naming a line, which ImportController turns into a 400
 * ({@code invalid_import}); any other exception would be a 500, a hang would hold a request thread.
 */
@AddLifecycleHook(FuzzBudget.class)
class JsonLinesImportFuzzTest {

    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"metric\"", "\"values\"",
            "\"timestamps\"", "\"__name__\"", "\"job\"", "\"\"", "\"up\"", "1", "-0", "1.5", "1e400", "-1e-400",
            "1700000000000", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "0x10", "NaN",
            "Infinity", "-Infinity", "\"NaN\"", "\"+Inf\"", "\"-Inf\"", "\"1e3\"", "\"x\"", "true", "false", "null",
            "\n", "\r\n", " ", "\"\\u0000\"", "\"\\ud800\"", "\"\\\"", "/* c */", "'a'", "\u00e9");

    @Property(tries = 2000)
    void randomBytesAreImportedOrRefused(@ForAll @Size(max = 300) byte[] body) {
        importOrRefuse(body);
    }

    @Property(tries = 3000)
    void tokenSoupIsImportedOrRefused(@ForAll("tokenSoup") String body) {
        importOrRefuse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void damagedExportsAreImportedOrRefused(@ForAll("damagedExports") byte[] body) {
        Statistics.collect(importOrRefuse(body) ? "imported" : "refused");
        // Proof that the generator writes bodies the reader accepts, so refusals are the damage's doing.
        Statistics.coverage(c -> c.check("imported").percentage(p -> p > 5));
    }

    @Property(tries = 100)
    void deepNestingAndHugeTokensAreRefused(@ForAll("hostile") String body) {
        importOrRefuse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(30).map(t -> String.join("", t));
    }

    @Provide
    Arbitrary<byte[]> damagedExports() {
        Arbitrary<byte[]> exports = exportLine().list().ofMinSize(1).ofMaxSize(4)
                .map(lines -> String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        // One body in five is left whole: the reader's accepting path is fuzzed by the generator alone.
        return Arbitraries.frequencyOf(Tuple.of(1, exports), Tuple.of(4, ByteMutations.mutated(exports)));
    }

    /** What VictoriaMetrics' {@code /api/v1/export} writes, with the value spellings the reader accepts. */
    private static Arbitrary<String> exportLine() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("__name__", "job", "instance"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6));
        Arbitrary<String> metric = Arbitraries.maps(names, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8))
                .ofMinSize(1).ofMaxSize(3).map(JsonLinesImportFuzzTest::metricJson);
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\""),
                Arbitraries.of("\"NaN\"", "\"+Inf\"", "NaN", "-Infinity", "0"));
        return Combinators.combine(metric, Arbitraries.integers().between(0, 4), value,
                        Arbitraries.longs().between(0, 4_000_000_000_000L))
                .as((m, n, v, t) -> "{\"metric\":" + m + ",\"values\":[" + String.join(",", Collections.nCopies(n, v))
                        + "],\"timestamps\":[" + timestamps(n, t) + "]}");
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<Integer> size = Arbitraries.integers().between(1_000, 200_000);
        return Combinators.combine(Arbitraries.integers().between(0, 5), size).as((kind, n) -> switch (kind) {
            case 0 -> "{\"x\":" + "[".repeat(n) + "]".repeat(n) + "}";
            case 1 -> "{\"metric\":" + "{\"a\":".repeat(n);
            case 2 -> "{\"metric\":{\"a\":\"b\"},\"values\":[" + "1".repeat(n) + "],\"timestamps\":[1]}";
            case 3 -> "{\"metric\":{\"" + "a".repeat(n) + "\":\"b\"},\"values\":[1],\"timestamps\":[1]}";
            case 4 -> "{\"metric\":{\"a\":\"b\"},\"values\":[" + "1,".repeat(n) + "1],\"timestamps\":[1]}";
            default -> "\n".repeat(n) + "{";
        });
    }

    /** @return whether the body was imported to its end */
    private static boolean importOrRefuse(byte[] body) {
        return Refusals.decodeOrRefuse(IllegalArgumentException.class,
                e -> assertThat(e.getMessage()).matches("(?s)line [1-9]\\d*: .+"), () -> {
                    JsonLinesImport.read(new ByteArrayInputStream(body), new CheckingSink());
                    return Boolean.TRUE;
                }) != null;
    }

    private static String metricJson(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("{");
        labels.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v)
                .append('"'));
        return b.append('}').toString();
    }

    private static String timestamps(int n, long first) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(first + i * 15_000L);
        }
        return b.toString();
    }

    /** What a sink may rely on for every series, however broken the rest of the body. */
    private static final class CheckingSink implements SampleSink {

        @Override
        public void sample(Labels labels, long timestampMillis, double value) {
            assertThat(labels.isEmpty()).isFalse();
        }

        @Override
        public void samples(Labels labels, long[] timestamps, double[] values) {
            assertThat(labels.isEmpty()).isFalse();
            assertThat(timestamps).hasSameSizeAs(values).isNotEmpty();
        }
    }
}
