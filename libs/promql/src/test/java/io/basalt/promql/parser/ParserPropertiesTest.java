package io.basalt.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;

/** Seeded-random tests of the parser (io.basalt.fuzzing.Seeded: a failure names the seed that replays it). */
class ParserPropertiesTest {

    private static final String[] TOKENS = { "x", "up", "{", "}", "(", ")", "[", "]", "5m", ":", "1m", ",", "=",
        "=~", "!=", "\"a\"", "'b'", "+", "-", "*", "/", "^", "%", "==", ">", "bool", "and", "or", "unless", "on",
        "ignoring", "group_left", "by", "without", "sum", "rate", "topk", "offset", "@", "1", "0x1f", "Inf", "NaN",
        "start()", "#", "\n", "job", "count_values", "abs", "`", "\\", "1e3", "1h30m" };

    @Test
    void randomTokenSoupEitherParsesOrFailsWithAParseError() {
        Seeded.forAll(2000, g -> {
            String query = String.join(" ", g.list(0, 25, x -> x.oneOf(TOKENS)));
            try {
                Expr e = Parser.parse(query);
                assertThat(Parser.parse(e.toString()).toString()).isEqualTo(e.toString());
            }
            catch (ParseException expected) {
                assertThat(expected.getMessage()).matches("(?s)\\d+:\\d+: parse error: .+");
            }
        });
    }

    @Test
    void positiveInfinityOnTheLeftOfAPowerPrintsWithoutASign() {
        Expr e = Parser.parse("Inf ^ x");

        assertThat(e.toString()).isEqualTo("Inf ^ x");
        assertThat(Parser.parse(e.toString())).isEqualTo(e);
    }

    @Test
    void randomCharactersNeverCrashTheParser() {
        Seeded.forAll(1000, g -> {
            String query = g.string("(){}[]\"'`\\:,=!~<>+-*/^%@#. \n0123456789abexmsoxyINF_", 0, 40);
            try {
                Parser.parse(query);
            }
            catch (ParseException expected) {
                assertThat(expected.line()).isPositive();
            }
        });
    }

    @Test
    void printedExpressionsParseBackToTheSameTree() {
        int[] checked = new int[1];
        Seeded.forAll(1000, g -> {
            String query = vector(g, 3);
            Expr first;
            try {
                first = Parser.parse(query);
            }
            catch (ParseException typeError) {
                // The generator can combine a scalar with on(...) through precedence; Prometheus rejects those too.
                return;
            }
            checked[0]++;
            String printed = first.toString();
            assertThat(Parser.parse(printed).toString()).isEqualTo(printed);
            assertThat(Parser.parse(printed).type()).isEqualTo(first.type());
        });
        // As the former property library required: at most five inputs discarded for each one checked.
        assertThat(checked[0]).isGreaterThan(1000 / 6);
    }

    private static String selector(Gen g) {
        String name = g.oneOf("up", "http_requests_total", "node:cpu:ratio", "sum", "offset");
        var ms = g.list(0, 3, x -> x.oneOf("job", "instance", "le") + x.oneOf("=", "!=", "=~", "!~") + "\""
                + x.oneOf("a", "b.*", "x\\\\.y", "q\\\"r", "é") + "\"");
        String mod = g.oneOf("", " offset 5m", " offset -1h30m", " @ 100", " @ start()", " @ 12.5 offset 1d");
        return name + (ms.isEmpty() ? "" : "{" + String.join(",", ms) + "}") + mod;
    }

    private static String scalar(Gen g) {
        return g.oneOf("1", "2.5", "0x10", "1e-3", "Inf", "-NaN", "time()", "(3)", "-4");
    }

    private static String vector(Gen g, int depth) {
        if (depth == 0) {
            return selector(g);
        }
        int d = depth - 1;
        return switch (g.intBetween(0, 9)) {
            case 0 -> selector(g);
            case 1 -> vector(g, d) + " " + g.oneOf("+", "-", "*", "/", "%", "^", "atan2", "> bool", "==", "and", "or",
                    "unless", "+ on(job)", "/ ignoring(le) group_left(job)", "* on() group_right") + " " + vector(g, d);
            case 2 -> vector(g, d) + " " + g.oneOf("*", "+", "<") + " " + scalar(g);
            case 3 -> g.oneOf("sum", "avg", "max", "count", "group")
                    + g.oneOf("", " by (job)", " without (le, job)", " by ()") + " (" + vector(g, d) + ")";
            case 4 -> g.oneOf("topk(3, ", "quantile(0.9, ", "count_values(\"v\", ") + vector(g, d) + ")";
            case 5 -> g.oneOf("rate", "max_over_time", "changes") + "("
                    + selector(g).replaceAll(" (offset|@).*", "") + g.oneOf("[5m]", "[1h30m]") + ")";
            case 6 -> g.oneOf("abs", "-", "+", "sort") + "(" + vector(g, d) + ")";
            case 7 -> "max_over_time((" + vector(g, d) + ")" + g.oneOf("[5m:]", "[10m:1m]", "[1h:30s] offset 5m")
                    + ")";
            case 8 -> "(" + vector(g, d) + ")";
            default -> "label_replace(" + vector(g, d) + ", \"dst\", \"$1\", \"job\", \"(.*)\")";
        };
    }
}
