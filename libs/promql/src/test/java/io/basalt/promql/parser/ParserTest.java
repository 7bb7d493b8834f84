package io.basalt.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.LabelMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {

    private static double number(String q) {
        return ((Expr.NumberLiteral) Parser.parse(q)).value();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0x1F|31", "010|8", "08|8", "1.|1", ".5|0.5", "1e3|1000", "1.5E-3|0.0015", "-7|-7", "Inf|Infinity",
        "-inf|-Infinity", "- -2|2" })
    void numberLiteralsFollowGoParsing(String query, double expected) {
        assertThat(number(query)).isEqualTo(expected);
    }

    @Test
    void nanIsCaseInsensitive() {
        assertThat(number("nAn")).isNaN();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5m|300000", "1h30m|5400000", "1y|31536000000", "2w|1209600000", "1d12h|129600000", "100ms|100",
        "1m30s500ms|90500" })
    void durationsAcceptEveryUnitAndCompounds(String text, long ms) {
        assertThat(((Expr.MatrixSelector) Parser.parse("x[" + text + "]")).rangeMs()).isEqualTo(ms);
    }

    @Test
    void compoundDurationsMustDescend() {
        assertThatThrownBy(() -> Parser.parse("x[30m1h]")).hasMessageContaining("not a valid duration string");
    }

    @Test
    void powerIsRightAssociativeAndBindsTighterThanUnaryMinus() {
        assertThat(Parser.parse("2 ^ 3 ^ 2")).isInstanceOfSatisfying(Expr.Binary.class,
                b -> assertThat(b.rhs()).isInstanceOf(Expr.Binary.class));
        assertThat(Parser.parse("-a ^ b")).isInstanceOfSatisfying(Expr.Unary.class,
                u -> assertThat(u.expr()).isInstanceOf(Expr.Binary.class));
        assertThat(Parser.parse("-a * b")).isInstanceOfSatisfying(Expr.Binary.class,
                b -> assertThat(b.lhs()).isInstanceOf(Expr.Unary.class));
    }

    @Test
    void andBindsTighterThanOr() {
        Expr.Binary or = (Expr.Binary) Parser.parse("a or b and c");
        assertThat(or.op()).isEqualTo(BinaryOp.OR);
        assertThat(((Expr.Binary) or.rhs()).op()).isEqualTo(BinaryOp.AND);
    }

    @Test
    void stringEscapesPerQuoteKind() {
        assertThat(((Expr.StringLiteral) Parser.parse("\"a\\n\\\"\\x41\\u00e9\\101\"")).value()).isEqualTo("a\n\"AéA");
        assertThat(((Expr.StringLiteral) Parser.parse("'it\\'s'")).value()).isEqualTo("it's");
        assertThat(((Expr.StringLiteral) Parser.parse("`C:\\raw`")).value()).isEqualTo("C:\\raw");
        assertThatThrownBy(() -> Parser.parse("'\\\"'")).hasMessageContaining("unknown escape sequence");
    }

    @Test
    void selectorsKeepMatchersInWrittenOrderAfterTheName() {
        Expr.VectorSelector vs = (Expr.VectorSelector) Parser.parse("up{job=\"a\", i!~\"x.*\", k=~'v', l!=\"\",}");
        assertThat(vs.matchers()).extracting(LabelMatcher::toString)
                .containsExactly("__name__=\"up\"", "job=\"a\"", "i!~\"x.*\"", "k=~\"v\"", "l!=\"\"");
    }

    @Test
    void keywordsCanBeMetricNamesAndLabelNames() {
        assertThat(Parser.parse("sum")).isInstanceOf(Expr.VectorSelector.class);
        assertThat(Parser.parse("offset{by=\"x\"}")).isInstanceOf(Expr.VectorSelector.class);
        assertThat(Parser.parse("sum by (offset, on) (x)")).isInstanceOf(Expr.Aggregation.class);
    }

    @Test
    void aggregationModifiersGoBeforeOrAfterTheArguments() {
        assertThat(Parser.parse("sum by (a) (x)").toString()).isEqualTo(Parser.parse("SUM(x) BY (a)").toString());
    }

    @Test
    void offsetAndAtCombineInEitherOrder() {
        Expr.VectorSelector a = (Expr.VectorSelector) Parser.parse("x offset -5m @ 100.5");
        Expr.VectorSelector b = (Expr.VectorSelector) Parser.parse("x @ 100.5 offset -5m");
        assertThat(a.offsetMs()).isEqualTo(-300_000).isEqualTo(b.offsetMs());
        assertThat(a.at()).isEqualTo(b.at()).isEqualTo(Expr.At.timestamp(100_500));
        assertThat(((Expr.Subquery) Parser.parse("x[5m:] @ end()")).at().kind()).isEqualTo(Expr.At.Kind.END);
    }

    @Test
    void commentsAreIgnored() {
        assertThat(Parser.parse("sum(x) # total\n + 1")).isInstanceOf(Expr.Binary.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "rate(foo)|1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
        "foo(x)|1:1: parse error: unknown function with name \"foo\"",
        "abs(x, y)|1:1: parse error: expected 1 argument(s) in call to \"abs\", got 2",
        "x +|1:4: parse error: unexpected end of input",
        "1 == 1|1:1: parse error: comparisons between scalars must use BOOL modifier",
        "x + on(a) group_left(a) y|1:11: parse error: label \"a\" must not occur in ON and GROUP clause at once",
        "'abc|1:1: parse error: unterminated quoted string",
        "x offset 1m [5m]|1:13: parse error: no offset modifiers allowed before range",
        "round(x, 1, 2)|1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
        "label_join(x)|1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
        "count_values(1, x)|1:14: parse error: expected type string in aggregation parameter, got scalar",
        "|1:1: parse error: no expression found in input" })
    void errorsCarryPositionAndPrometheusWording(String query, String message) {
        assertThatThrownBy(() -> Parser.parse(query == null ? "" : query)).isInstanceOf(ParseException.class)
                .hasMessage(message);
    }

    @Test
    void errorPositionsCountLines() {
        assertThatThrownBy(() -> Parser.parse("sum(\n  rate(x)\n)")).isInstanceOfSatisfying(ParseException.class,
                e -> assertThat(new int[] { e.line(), e.column() }).containsExactly(2, 8));
    }

    @Test
    void deepNestingIsRejectedInsteadOfOverflowingTheStack() {
        String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertThatThrownBy(() -> Parser.parse(deep)).isInstanceOf(ParseException.class)
                .hasMessageContaining("nests deeper");
        String chain = "x" + " + x".repeat(100_000);
        assertThatThrownBy(() -> Parser.parse(chain)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> Parser.parse("-".repeat(100_000) + "x")).isInstanceOf(ParseException.class);
    }

    @Test
    void printsDurationsLikePrometheus() {
        assertThat(Printer.duration(5_400_000)).isEqualTo("1h30m");
        assertThat(Parser.parse("rate(x{a=\"b\"}[90m] offset 1d)").toString())
                .isEqualTo("rate(x{a=\"b\"}[1h30m] offset 1d)");
    }
}
