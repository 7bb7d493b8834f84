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
    void dotMatchesNewlinesAsInPrometheus() {
        assertThat(LabelMatcher.of(Type.REGEX, "msg", ".*").matches("line1\nline2")).isTrue();
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
}
