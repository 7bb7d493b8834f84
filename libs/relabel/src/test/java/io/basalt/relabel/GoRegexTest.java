package io.basalt.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoRegexTest {

    @ParameterizedTest(name = "/{0}/ on \"{1}\" -> {2}")
    @CsvSource(delimiterString = " => ", textBlock = """
            foo => foo => true
            foo => foobar => false
            foo|bar => bar => true
            [[:upper:]]+ => ABC => true
            [[:^digit:]]+ => ab => true
            [[:^digit:]]+ => a1 => false
            []a]+ => ]a] => true
            [a[]+ => [a => true
            [a&&b]+ => & => true
            (?i)abc => ABC => true
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
    }

    @ParameterizedTest(name = "{0} -> \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            $1                | a
            ${1}x             | ax
            $1x               | ''
            $2-$3             | b-c
            $10               | ''
            $01               | ''
            $$1               | $1
            $                 | $
            ${1               | ${1
            $-                | $-
            ${word_2}         | c
            $word_2.          | c.
            """)
    void expandsTemplatesAsGoDoes(String template, String expected) {
        GoRegex re = GoRegex.compile("(a)(b)(?P<word_2>c)");
        Matcher m = re.match("abc");

        assertThat(re.expand(template, m)).isEqualTo(expected);
    }

    @Test
    void unmatchedOptionalGroupsExpandToNothing() {
        GoRegex re = GoRegex.compile("(a)(b)?");

        assertThat(re.expand("[$2]", re.match("a"))).isEqualTo("[]");
    }

    @Test
    void rejectsTheUngreedyFlagRatherThanMisreadingIt() {
        assertThatThrownBy(() -> GoRegex.compile("(?U)a+")).isInstanceOf(PatternSyntaxException.class);
    }
}
