package io.basalt.insert.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;

import io.basalt.insert.imports.JsonLinesImport;
import io.basalt.insert.imports.SampleSink;
import io.basalt.model.Labels;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/import} takes JSON lines from anyone who can reach the insert port. The reader answers any body with
 * samples or an {@link IllegalArgumentException} naming a line, which ImportController turns into a 400
 * ({@code invalid_import}); any other exception would be a 500, a hang would hold a request thread.
 *
 * <p>The Jazzer targets replay their corpus in
 * {@code src/test/resources/io/basalt/insert/fuzz/JsonLinesImportFuzzTestInputs/}
 * in every build ({@link #body}: export lines, finding #2's leading NUL bytes, hostile nesting and long tokens) and
 * are fuzzed with {@code -Pfuzz}. The seeded {@code @Test}s build new bodies in every build.
 */
class JsonLinesImportFuzzTest {

    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"metric\"", "\"values\"",
            "\"timestamps\"", "\"__name__\"", "\"job\"", "\"\"", "\"up\"", "1", "-0", "1.5", "1e400", "-1e-400",
            "1700000000000", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "0x10", "NaN",
            "Infinity", "-Infinity", "\"NaN\"", "\"+Inf\"", "\"-Inf\"", "\"1e3\"", "\"x\"", "true", "false", "null",
            "\n", "\r\n", " ", "\"\\u0000\"", "\"\\ud800\"", "\"\\\"", "/* c */", "'a'", "\u00e9");

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = "5m")
    void body(byte[] body) {
        importOrRefuse(body);
    }

    /** Structure-aware: export lines (damaged or whole), token soup or a hostile shape, as the fuzzer chooses. */
    @FuzzTest(maxDuration = "5m")
    void builtBodies(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        switch (g.intBetween(0, 2)) {
            case 0 -> importOrRefuse(exportBody(g));
            case 1 -> importOrRefuse(tokenSoup(g).getBytes(StandardCharsets.UTF_8));
            default -> importOrRefuse(hostile(g).getBytes(StandardCharsets.UTF_8));
        }
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomBytesAreImportedOrRefused() {
        Seeded.forAll(2000, g -> importOrRefuse(g.bytes(300)));
    }

    @Test
    void tokenSoupIsImportedOrRefused() {
        Seeded.forAll(3000, g -> importOrRefuse(tokenSoup(g).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void damagedExportsAreImportedOrRefused() {
        int[] imported = new int[1];
        Seeded.forAll(2000, g -> imported[0] += importOrRefuse(exportBody(g)) ? 1 : 0);
        // Proof that the generator writes bodies the reader accepts, so refusals are the damage's doing.
        assertThat(imported[0]).isGreaterThan(2000 * 5 / 100);
    }

    @Test
    void deepNestingAndHugeTokensAreRefused() {
        Seeded.forAll(100, g -> importOrRefuse(hostile(g).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("export-line", ("{\"metric\":{\"__name__\":\"up\",\"job\":\"node\"},\"values\":[1,0,\"NaN\"],"
                + "\"timestamps\":[1700000000000,1700000015000,1700000030000]}\n").getBytes(StandardCharsets.UTF_8));
        seeds.put("finding-2-leading-nul-bytes",
                "\0\0\0{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}"
                        .getBytes(StandardCharsets.UTF_8));
        seeds.put("special-values", ("{\"metric\":{\"a\":\"b\"},\"values\":[\"+Inf\",\"-Inf\",NaN,-Infinity,1e400],"
                + "\"timestamps\":[1,2,3,4,5]}\r\n").getBytes(StandardCharsets.UTF_8));
        seeds.put("crlf-and-blank-lines",
                "\r\n\n{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[9223372036854775807]}\n\n"
                        .getBytes(StandardCharsets.UTF_8));
        for (int kind = 0; kind < 6; kind++) {
            seeds.put("hostile-" + kind, hostile(kind, 5_000).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 8; i++) {
            Gen g = Gen.seeded(i);
            seeds.put("exports-" + i, String.join("\n", g.list(1, 4, JsonLinesImportFuzzTest::exportLine))
                    .getBytes(StandardCharsets.UTF_8));
            seeds.put("tokens-" + i, tokenSoup(g).getBytes(StandardCharsets.UTF_8));
        }
        Corpus.write(getClass(), "body", seeds);
        Corpus.write(getClass(), "builtBodies", Corpus.randomChoices(24, 256));
    }

    // --- shared -------------------------------------------------------------------------------------------------

    private static String tokenSoup(Gen g) {
        return String.join("", g.list(0, 30, x -> x.pick(TOKENS)));
    }

    /** One body in five is left whole: the reader's accepting path is exercised by the generator alone. */
    private static byte[] exportBody(Gen g) {
        byte[] export = String.join("\n", g.list(1, 4, JsonLinesImportFuzzTest::exportLine))
                .getBytes(StandardCharsets.UTF_8);
        return g.intBetween(0, 4) == 0 ? export : ByteMutations.mutated(g, export);
    }

    /** What VictoriaMetrics' {@code /api/v1/export} writes, with the value spellings the reader accepts. */
    private static String exportLine(Gen g) {
        Map<String, String> labels = new LinkedHashMap<>();
        int k = g.intBetween(1, 3);
        String alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for (int i = 0; i < k; i++) {
            labels.put(g.bool() ? g.oneOf("__name__", "job", "instance") : g.string(alpha, 1, 6),
                    g.string(alpha, 1, 8));
        }
        String v;
        if (g.bool()) {
            double d = g.anyDouble();
            v = Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\"";
        }
        else {
            v = g.oneOf("\"NaN\"", "\"+Inf\"", "NaN", "-Infinity", "0");
        }
        int n = g.intBetween(0, 4);
        return "{\"metric\":" + metricJson(labels) + ",\"values\":[" + String.join(",", Collections.nCopies(n, v))
                + "],\"timestamps\":[" + timestamps(n, g.longBetween(0, 4_000_000_000_000L)) + "]}";
    }

    private static String hostile(Gen g) {
        return hostile(g.intBetween(0, 5), g.intBetween(1_000, 200_000));
    }

    private static String hostile(int kind, int n) {
        return switch (kind) {
            case 0 -> "{\"x\":" + "[".repeat(n) + "]".repeat(n) + "}";
            case 1 -> "{\"metric\":" + "{\"a\":".repeat(n);
            case 2 -> "{\"metric\":{\"a\":\"b\"},\"values\":[" + "1".repeat(n) + "],\"timestamps\":[1]}";
            case 3 -> "{\"metric\":{\"" + "a".repeat(n) + "\":\"b\"},\"values\":[1],\"timestamps\":[1]}";
            case 4 -> "{\"metric\":{\"a\":\"b\"},\"values\":[" + "1,".repeat(n) + "1],\"timestamps\":[1]}";
            default -> "\n".repeat(n) + "{";
        };
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
