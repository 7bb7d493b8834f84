package io.basalt.model.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoRegexTest {

    @ParameterizedTest(name = "/{0}/ on \"{1}\" -> {2}")
    @CsvSource(delimiterString = " => ", textBlock = """
            foo => foo => true
            foo => foobar => false
            foo => xfoo => false
            foo|bar => bar => true
            foo|bar => foobar => false
            [[:upper:]]+ => ABC => true
            [[:^digit:]]+ => ab => true
            [[:^digit:]]+ => a1 => false
            []a]+ => ]a] => true
            [a[]+ => [a => true
            [a&&b]+ => & => true
            (?i)abc => ABC => true
            (?P<host>[a-z]+):\\d+ => db:5432 => true
            \\pL+ => ünïcode => true
            """)
    void matchesTheWholeTextWithGoSyntax(String regex, String text, boolean expected) {
        assertThat(GoRegex.compile(regex).matches(text)).isEqualTo(expected);
    }

    @Test
    void dotExcludesOnlyNewline() {
        assertThat(GoRegex.compile("a.b").matches("a\rb")).isTrue();
        assertThat(GoRegex.compile("a.b").matches("a\u2028b")).isTrue();
        assertThat(GoRegex.compile("a.b").matches("a\nb")).isFalse();
        assertThat(GoRegex.compile("(?s)a.b").matches("a\nb")).isTrue();
    }

    @Test
    void aTrailingNewlineIsNotSwallowedByTheEndAnchor() {
        assertThat(GoRegex.compile("abc").matches("abc\n")).isFalse();
        assertThat(GoRegex.compile("(?m)abc").matches("abc\n")).isFalse();
    }

    @Test
    void anAlternationInsideTheRegexDoesNotEscapeTheAnchors() {
        assertThat(GoRegex.compile("a|b").match("ab")).isNull();
    }

    @Test
    void theUngreedyFlagMeansWhatItMeansToGo() {
        // Java would read (?U) as "Unicode classes"; in RE2 it swaps greedy and lazy repetition.
        GoRegex.Match m = GoRegex.compile("(?U)(a+)(a*)").match("aaa");

        assertThat(m.group(1)).isEqualTo("a");
        assertThat(m.group(2)).isEqualTo("aa");
    }

    @Test
    void catastrophicBacktrackingPatternsRunInLinearTime() {
        assertThat(GoRegex.compile("(a+)+b").matches("a".repeat(50_000))).isFalse();
        assertThat(GoRegex.compile("(a|aa)*c").matches("a".repeat(50_000))).isFalse();
    }

    @Test
    void matchExposesGroupsByIndexAndName() {
        GoRegex.Match m = GoRegex.compile("(a)(?P<rest>b+)(x)?").match("abb");

        assertThat(m.groupCount()).isEqualTo(3);
        assertThat(m.group(0)).isEqualTo("abb");
        assertThat(m.group(1)).isEqualTo("a");
        assertThat(m.group("rest")).isEqualTo("bb");
        assertThat(m.group("2")).isEqualTo("bb");
        assertThat(m.group(3)).isNull();
        assertThat(m.group(4)).isNull();
        assertThat(m.group("missing")).isNull();
    }

    @Test
    void matchIsNullWhenTheWholeTextDoesNotMatch() {
        assertThat(GoRegex.compile("(b)").match("abc")).isNull();
    }

    @ParameterizedTest(name = "{0} -> \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            $1                | a
            ${1}x             | ax
            $1x               | ''
            ${1}x$1x          | ax
            $2-$3             | b-c
            $0                | abc
            $10               | ''
            $01               | ''
            ${01}             | ''
            $$1               | $1
            $$$1              | $a
            $                 | $
            a$                | a$
            ${1               | ${1
            ${}               | ${}
            $-                | $-
            ${-1}             | ${-1}
            ${word_2}         | c
            $word_2.          | c.
            $word_2x          | ''
            $unknown-$1       | -a
            $999999999        | ''
            no references     | no references
            """)
    void expandsTemplatesAsGoDoes(String template, String expected) {
        GoRegex re = GoRegex.compile("(a)(b)(?P<word_2>c)");
        GoRegex.Match m = re.match("abc");

        assertThat(re.expand(template, m)).isEqualTo(expected);
    }

    @Test
    void aReferenceNameRunsOnOverNonAsciiLettersAndDigits() {
        GoRegex re = GoRegex.compile("(\\d+)");

        assertThat(re.expand("[${1}é]", re.match("42"))).isEqualTo("[42é]");
        assertThat(re.expand("[$1é]", re.match("42"))).isEqualTo("[]");
        assertThat(re.expand("[$1\u0661]", re.match("42"))).isEqualTo("[]");
    }

    @Test
    void unmatchedOptionalGroupsExpandToNothing() {
        GoRegex re = GoRegex.compile("(a)(b)?");

        assertThat(re.expand("[$2]", re.match("a"))).isEqualTo("[]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            (unclosed  | error parsing regexp: missing closing ): `^(?:(unclosed)$`
            a**        | error parsing regexp: invalid nested repetition operator: `**`
            \\q        | error parsing regexp: invalid escape sequence: `\\q`
            [[:nope:]] | error parsing regexp: invalid character class range: `[:nope:]`
            x{1001}    | error parsing regexp: invalid repeat count: `{1001}`
            (?P<é>x)   | error parsing regexp: invalid named capture: `(?P<é>`
            """)
    void rejectsInvalidSyntaxWithGoWording(String regex, String message) {
        assertThatThrownBy(() -> GoRegex.compile(regex))
                .isInstanceOf(PatternSyntaxException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((PatternSyntaxException) e).getPattern()).isEqualTo(regex));
    }

    @Test
    void sourceIsTheExpressionAsWritten() {
        assertThat(GoRegex.compile("a|b").source()).isEqualTo("a|b");
        assertThat(GoRegex.compile("a|b")).hasToString("a|b");
    }
}
