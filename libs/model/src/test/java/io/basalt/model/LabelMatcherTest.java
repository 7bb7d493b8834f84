package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.LabelMatcher.Type;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {

    private static final Labels API = Labels.of("__name__", "up", "job", "api-server");

    @Test
    void regexesAreAnchoredAtBothEnds() {
        assertThat(LabelMatcher.of(Type.REGEX, "job", "api").matches(API)).isFalse();
        assertThat(LabelMatcher.of(Type.REGEX, "job", "server").matches(API)).isFalse();
        assertThat(LabelMatcher.of(Type.REGEX, "job", "api.*").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.REGEX, "job", "web|api-server").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.REGEX, "job", "web|api").matches(API))
                .as("alternation stays inside the anchors").isFalse();
        assertThat(LabelMatcher.of(Type.NOT_REGEX, "job", "api").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.NOT_REGEX, "job", "api.*").matches(API)).isFalse();
    }

    @Test
    void dotStopsAtNewlinesAsInPrometheus242() {
        // Go's "." excludes "\n" without the s flag; Prometheus changed this only in 3.0.
        assertThat(LabelMatcher.of(Type.REGEX, "msg", ".*").matches("line1\nline2")).isFalse();
        assertThat(LabelMatcher.of(Type.REGEX, "msg", "(?s).*").matches("line1\nline2")).isTrue();
    }

    @Test
    void equalityMatchers() {
        assertThat(LabelMatcher.equal("job", "api-server").matches(API)).isTrue();
        assertThat(LabelMatcher.equal("job", "api").matches(API)).isFalse();
        assertThat(LabelMatcher.of(Type.NOT_EQUAL, "job", "api").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.NOT_EQUAL, "job", "api-server").matches(API)).isFalse();
    }

    @Test
    void absentLabelMatchesAsTheEmptyString() {
        assertThat(LabelMatcher.equal("env", "").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.NOT_EQUAL, "env", "").matches(API)).isFalse();
        assertThat(LabelMatcher.of(Type.REGEX, "env", ".*").matches(API)).isTrue();
        assertThat(LabelMatcher.of(Type.REGEX, "env", ".+").matches(API)).isFalse();
        assertThat(LabelMatcher.of(Type.NOT_REGEX, "env", "prod").matches(API)).isTrue();
        assertThat(LabelMatcher.equal("env", "prod").matches(API)).isFalse();
    }

    @Test
    void matchesEmptyTellsWhetherSeriesWithoutTheLabelAreSelected() {
        assertThat(LabelMatcher.equal("env", "").matchesEmpty()).isTrue();
        assertThat(LabelMatcher.of(Type.REGEX, "env", "|prod").matchesEmpty()).isTrue();
        assertThat(LabelMatcher.of(Type.NOT_REGEX, "env", "x").matchesEmpty()).isTrue();
        assertThat(LabelMatcher.equal("env", "prod").matchesEmpty()).isFalse();
        assertThat(LabelMatcher.of(Type.REGEX, "env", ".+").matchesEmpty()).isFalse();
        assertThat(LabelMatcher.of(Type.NOT_EQUAL, "env", "").matchesEmpty()).isFalse();
    }

    @Test
    void invalidRegexFailsWhenTheMatcherIsMade() {
        assertThatThrownBy(() -> LabelMatcher.of(Type.REGEX, "job", "(unclosed"))
                .isInstanceOf(PatternSyntaxException.class);
    }

    @Test
    void equalityAndNotation() {
        assertThat(LabelMatcher.of(Type.REGEX, "job", "a.*")).isEqualTo(LabelMatcher.of(Type.REGEX, "job", "a.*"))
                .hasSameHashCodeAs(LabelMatcher.of(Type.REGEX, "job", "a.*"))
                .isNotEqualTo(LabelMatcher.of(Type.NOT_REGEX, "job", "a.*"));
        assertThat(LabelMatcher.of(Type.NOT_REGEX, "path", "C:\\\\\"x\"")).hasToString("path!~\"C:\\\\\\\\\\\"x\\\"\"");
        assertThat(LabelMatcher.equal("job", "api")).hasToString("job=\"api\"");
    }

    @Test
    void namedGroupsUseGoSyntax() {
        assertThat(LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "(?P<host>[a-z]+):\\d+").matches("db:5432"))
            .isTrue();
    }

    @Test
    void catastrophicBacktrackingPatternsRunInLinearTime() {
        LabelMatcher m = LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "(a+)+b");
        assertThat(m.matches("a".repeat(5_000))).isFalse();
    }

    @Test
    void anInvalidRegexIsAPatternSyntaxException() {
        assertThatThrownBy(() -> LabelMatcher.of(LabelMatcher.Type.REGEX, "a", "(unclosed"))
            .isInstanceOf(java.util.regex.PatternSyntaxException.class)
            .hasMessageContaining("(unclosed");
    }
}
