package io.basalt.promql.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.PromqlException;
import io.basalt.promql.parser.Expr;
import io.basalt.promql.parser.ParseException;
import io.basalt.promql.parser.Parser;
import io.basalt.promql.parser.Printer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;

/**
 * The query string of {@code /api/v1/query} is whatever a user or a script sends. The parser must answer each with an
 * expression or a {@link ParseException} (which the engine turns into a {@code bad_data} {@link PromqlException}),
 * within a bounded time and without exhausting the stack, however deep or long the input.
 *
 * <p>The Jazzer targets replay their corpus in {@code src/test/resources/io/basalt/promql/fuzz/PromqlParserFuzzTestInputs/}
 * in every build ({@link #query}: every query of the evaluation scripts, nestings 1,000 deep of each shape, long
 * inputs of each kind) and are fuzzed with {@code -Pfuzz}. The seeded {@code @Test}s build new inputs in every build.
 */
class PromqlParserFuzzTest {

    /** Generous: it catches a hang or exponential backtracking, it does not measure speed. */
    private static final Duration HANG = Duration.ofSeconds(2);

    /**
     * For inputs of up to 1 MB or 100,000 levels. Parsing, printing and re-parsing a 1 MB query takes about 1 s on a
     * loaded two-core machine and grows linearly, so 2 s would fail on load rather than on a hang.
     */
    private static final Duration HANG_OF_HUGE_INPUT = Duration.ofSeconds(10);

    /** Every query of the evaluation scripts under {@code src/test/resources/promql}, all valid. */
    private static final List<String> QUERIES = scriptQueries();

    private static final List<String> TOKENS = List.of("up", "x", "http_requests_total", "{", "}", "(", ")", "[",
            "]", ":", ",", "=", "!=", "=~", "!~", "\"a\"", "'b'", "`c`", "\"\\\"\"", "\"\\x\"", "\"\\u00e9\"", "+",
            "-", "*", "/", "%", "^", "==", "!=", "<=", ">", "atan2", "bool", "and", "or", "unless", "on", "ignoring",
            "group_left", "group_right", "by", "without", "sum", "avg", "count_values", "quantile", "topk",
            "rate", "histogram_quantile", "label_replace", "absent", "vector", "time", "offset", "@", "start()",
            "end()", "5m", "1h30m", "0s", "99999999999y", "1", "-1", "0x1F", "1e308", "1e-400", "Inf", "NaN",
            ".5", "1_0", "# comment\n", "\n", " ", "\t", "__name__", "job", ".*", "\u00e9", "\u0000");

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    /** Any text, through the parser and the engine's entry point. */
    @FuzzTest(maxDuration = "5m")
    void query(byte[] input) {
        String query = new String(input, StandardCharsets.UTF_8);
        parseOrRefuse(query, input.length > 10_000 ? HANG_OF_HUGE_INPUT : HANG);
        engineParseOrRefuse(query);
    }

    /** Structure-aware: token soup, a damaged real query, a deep nesting or a long input, as the fuzzer chooses. */
    @FuzzTest(maxDuration = "5m")
    void builtQueries(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        switch (g.intBetween(0, 3)) {
            case 0 -> parseOrRefuse(tokenSoup(g));
            case 1 -> parseOrRefuse(damagedQuery(g));
            case 2 -> parseOrRefuse(deepNesting(g), HANG_OF_HUGE_INPUT);
            default -> parseOrRefuse(veryLong(g), HANG_OF_HUGE_INPUT);
        }
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomTextIsParsedOrRefused() {
        Seeded.forAll(1000, g -> parseOrRefuse(text(g)));
    }

    @Test
    void tokenSoupIsParsedOrRefused() {
        Seeded.forAll(2000, g -> parseOrRefuse(tokenSoup(g)));
    }

    @Test
    void damagedRealQueriesAreParsedOrRefused() {
        int[] parsed = new int[1];
        Seeded.forAll(2000, g -> parsed[0] += parseOrRefuse(damagedQuery(g)) != null ? 1 : 0);
        // Many damaged queries still parse: proof that the damage leaves the parser's deeper paths reachable.
        assertThat(parsed[0]).isGreaterThan(2000 * 3 / 100);
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        Seeded.forAll(200, g -> parseOrRefuse(deepNesting(g), HANG_OF_HUGE_INPUT));
    }

    @Test
    void veryLongInputsAreParsedOrRefused() {
        Seeded.forAll(100, g -> parseOrRefuse(veryLong(g), HANG_OF_HUGE_INPUT));
    }

    /** The engine's own entry point refuses with {@code bad_data} only. */
    @Test
    void engineParseRefusesWithBadData() {
        Seeded.forAll(500, g -> engineParseOrRefuse(damagedQuery(g)));
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (int i = 0; i < QUERIES.size(); i++) {
            seeds.put("script-" + i, QUERIES.get(i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < SHAPES.size(); i++) {
            seeds.put("deep-1000-" + i, deep(SHAPES.get(i), 1000, "x").getBytes(StandardCharsets.UTF_8));
        }
        for (Length l : Length.values()) {
            seeds.put("long-20000-" + l.name().toLowerCase(), l.build(20_000).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 16; i++) {
            seeds.put("tokens-" + i, tokenSoup(Gen.seeded(i)).getBytes(StandardCharsets.UTF_8));
        }
        Corpus.write(getClass(), "query", seeds);
        Corpus.write(getClass(), "builtQueries", Corpus.randomChoices(24, 256));
    }

    // --- shared -------------------------------------------------------------------------------------------------

    private static void engineParseOrRefuse(String query) {
        Refusals.decodeOrRefuse(PromqlException.class,
                e -> assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.BAD_DATA), HANG, Long.MAX_VALUE,
                () -> PromqlEngine.parse(query));
    }

    private static String text(Gen g) {
        return g.bool() ? g.anyString(60) : g.string("(){}[]\"'`\\=~!,:@+-*/^%<>#\n 0123456789.abcdemsxyz_", 0, 60);
    }

    private static String tokenSoup(Gen g) {
        return String.join(" ", g.list(0, 25, x -> x.pick(TOKENS)));
    }

    private static String damagedQuery(Gen g) {
        String q = g.pick(QUERIES);
        int n = g.intBetween(1, 3);
        for (int i = 0; i < n; i++) {
            q = new StringMutation(g.intBetween(0, 4), g.fraction(), g.fraction(),
                    g.bool() ? g.pick(TOKENS) : g.anyString(3)).apply(q);
        }
        return q;
    }

    private static final List<String> SHAPES = List.of("(", "-", "+", "sum(", "rate(", "abs(", "-(", "x + ",
            "x and ", "1 ^ ", "x[5m:1m]", "x offset 1m", "{", "[", "((x)", "sum by (a) (", "topk(1, ", "label_join(");

    /** Shapes that recurse once per character or token, repeated past any sane depth (small depths more often). */
    private static String deepNesting(Gen g) {
        double f = g.fraction();
        int depth = 200 + (int) (f * f * f * 99_800);
        return deep(g.pick(SHAPES), depth, g.oneOf("1", "x", "x[5m]", ""));
    }

    private static String veryLong(Gen g) {
        return g.oneOf(Length.values()).build(g.intBetween(10_000, 1_000_000));
    }

    private static String deep(String shape, int depth, String core) {
        if (shape.startsWith("x[") || shape.startsWith("x offset")) {
            return "x" + shape.substring(1).repeat(depth);
        }
        String open = shape.repeat(depth) + core;
        return shape.endsWith("(") ? open + ")".repeat(depth) : open;
    }

    /** Long inputs of one kind each: a long name, string, number, matcher list, flat expression or comment. */
    enum Length {
        NAME, STRING, NUMBER, MATCHERS, FLAT_SUM, COMMENT, ESCAPES;

        String build(int size) {
            return switch (this) {
                case NAME -> "a".repeat(size);
                case STRING -> "label_replace(x, \"a\", \"" + "b".repeat(size) + "\", \"c\", \"(.*)\")";
                case NUMBER -> "1" + "0".repeat(size);
                case MATCHERS -> "x{" + "a=\"b\",".repeat(size / 6) + "}";
                case FLAT_SUM -> "x" + " or x".repeat(size / 5);
                case COMMENT -> "x # " + "c".repeat(size);
                case ESCAPES -> "x{a=\"" + "\\\\".repeat(size / 2) + "\"}";
            };
        }
    }

    /** One edit of a query: insert, delete, replace or duplicate a stretch, or swap two halves. */
    record StringMutation(int kind, double at, double span, String text) {

        String apply(String q) {
            int n = q.length();
            int pos = (int) (at * n);
            int end = Math.min(n, pos + 1 + (int) (span * 8));
            return switch (kind) {
                case 0 -> q.substring(0, pos) + text + q.substring(pos);
                case 1 -> q.substring(0, pos) + q.substring(end);
                case 2 -> q.substring(0, pos) + text + q.substring(end);
                case 3 -> q.substring(0, end) + q.substring(pos, end) + q.substring(end);
                default -> q.substring(pos) + q.substring(0, pos);
            };
        }
    }

    /**
     * Parses {@code query} within {@link #HANG}. An accepted query must print to text that parses again, as the
     * select UI and the API's {@code /format_query} rely on.
     *
     * @return the expression, or {@code null} when the query was refused with a positioned parse error
     */
    private static Expr parseOrRefuse(String query) {
        return parseOrRefuse(query, HANG);
    }

    private static Expr parseOrRefuse(String query, Duration hang) {
        return Refusals.decodeOrRefuse(ParseException.class, refused -> {
            assertThat(refused.line()).isPositive();
            assertThat(refused.getMessage()).isNotBlank();
        }, hang, Long.MAX_VALUE, () -> {
            Expr e = Parser.parse(query);
            String printed = Printer.print(e);
            try {
                Parser.parse(printed);
            }
            catch (ParseException reprinted) {
                throw new AssertionError("\"" + query + "\" prints as \"" + printed + "\", which does not parse: "
                        + reprinted.getMessage(), reprinted);
            }
            return e;
        });
    }

    private static List<String> scriptQueries() {
        try {
            Path dir = Path.of(PromqlParserFuzzTest.class.getResource("/promql").toURI());
            try (Stream<Path> files = Files.list(dir)) {
                List<String> queries = files.filter(f -> f.toString().endsWith(".test"))
                        .flatMap(PromqlParserFuzzTest::lines)
                        .filter(line -> line.startsWith("eval instant at "))
                        .map(line -> line.replaceFirst("^eval instant at \\S+ ", ""))
                        .distinct()
                        .toList();
                if (queries.isEmpty()) {
                    throw new IllegalStateException("no eval lines found under /promql");
                }
                return queries;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
