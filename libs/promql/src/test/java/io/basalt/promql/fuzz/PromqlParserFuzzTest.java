package io.basalt.promql.fuzz;

import io.basalt.fuzzing.FuzzBudget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * The query string of {@code /api/v1/query} is whatever a user or a script sends. The parser must answer each with an
 * expression or a {@link ParseException} (which the engine turns into a {@code bad_data} {@link PromqlException}),
 * within a bounded time and without exhausting the stack, however deep or long the input.
 */
@AddLifecycleHook(FuzzBudget.class)
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

    @Property(tries = 1000)
    void randomTextIsParsedOrRefused(@ForAll("text") String query) {
        parseOrRefuse(query);
    }

    @Property(tries = 2000)
    void tokenSoupIsParsedOrRefused(@ForAll("tokenSoup") String query) {
        Statistics.collect(parseOrRefuse(query) == null ? "refused" : "parsed");
    }

    @Property(tries = 2000)
    void damagedRealQueriesAreParsedOrRefused(@ForAll("damagedQueries") String query) {
        Statistics.collect(parseOrRefuse(query) == null ? "refused" : "parsed");
        Statistics.coverage(c -> c.check("parsed").percentage(p -> p > 3));
    }

    @Property(tries = 200)
    void deepNestingIsRefusedWithoutExhaustingTheStack(@ForAll("deepNesting") String query) {
        parseOrRefuse(query, HANG_OF_HUGE_INPUT);
    }

    @Property(tries = 100)
    void veryLongInputsAreParsedOrRefused(@ForAll("veryLong") String query) {
        parseOrRefuse(query, HANG_OF_HUGE_INPUT);
    }

    /** The engine's own entry point refuses with {@code bad_data} only. */
    @Property(tries = 500)
    void engineParseRefusesWithBadData(@ForAll("damagedQueries") String query) {
        assertTimeoutPreemptively(HANG, () -> {
            try {
                PromqlEngine.parse(query);
            }
            catch (PromqlException e) {
                assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.BAD_DATA);
            }
        });
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("(){}[]\"'`\\=~!,:@+-*/^%<>#\n 0123456789.abcdemsxyz_")
                        .ofMaxLength(60));
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(25).map(t -> String.join(" ", t));
    }

    @Provide
    Arbitrary<String> damagedQueries() {
        Arbitrary<StringMutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 4),
                        Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1),
                        Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(3)))
                .as(StringMutation::new);
        return Combinators.combine(Arbitraries.of(QUERIES), mutation.list().ofMinSize(1).ofMaxSize(3))
                .as((query, mutations) -> {
                    String q = query;
                    for (StringMutation m : mutations) {
                        q = m.apply(q);
                    }
                    return q;
                });
    }

    /** Shapes that recurse once per character or token, repeated past any sane depth. */
    @Provide
    Arbitrary<String> deepNesting() {
        Arbitrary<Integer> depth = Arbitraries.integers().between(200, 100_000).withDistribution(
                RandomDistribution.biased());
        Arbitrary<String> shape = Arbitraries.of("(", "-", "+", "sum(", "rate(", "abs(", "-(", "x + ", "x and ",
                "1 ^ ", "x[5m:1m]", "x offset 1m", "{", "[", "((x)", "sum by (a) (", "topk(1, ", "label_join(");
        return Combinators.combine(shape, depth, Arbitraries.of("1", "x", "x[5m]", "")).as((s, d, core) ->
                deep(s, d, core));
    }

    @Provide
    Arbitrary<String> veryLong() {
        Arbitrary<Integer> size = Arbitraries.integers().between(10_000, 1_000_000);
        return Combinators.combine(Arbitraries.of(Length.values()), size).as(Length::build);
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
        return assertTimeoutPreemptively(hang, () -> {
            Expr e;
            try {
                e = Parser.parse(query);
            }
            catch (ParseException refused) {
                assertThat(refused.line()).isPositive();
                assertThat(refused.getMessage()).isNotBlank();
                return null;
            }
            catch (Throwable t) {
                throw new AssertionError("undocumented " + t.getClass().getName()
                        + " (only ParseException may escape): " + t.getMessage(), t);
            }
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
