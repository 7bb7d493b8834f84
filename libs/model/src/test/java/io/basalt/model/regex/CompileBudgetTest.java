package io.basalt.model.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Expressions built to exhaust a node are refused before RE2/J compiles them, in Go's words; ordinary ones compile. */
class CompileBudgetTest {

    @Test
    @Timeout(10)
    void nestedRepeatsWhoseProductIsHugeAreTooLarge() {
        assertThatThrownBy(() -> GoRegex.compile("((a{1000}){1000}){1000}"))
            .isInstanceOf(PatternSyntaxException.class)
            .hasMessage("error parsing regexp: expression too large: `^(?:((a{1000}){1000}){1000})$`");
        assertThatThrownBy(() -> GoRegex.compile("(abcdefgh{1,1000}|x){1000}"))
            .hasMessageStartingWith("error parsing regexp: expression too large");
    }

    @Test
    @Timeout(10)
    void nestingDeeperThanGoAllowsIsRefused() {
        String deep = "(".repeat(10_000) + "a" + ")".repeat(10_000);
        assertThatThrownBy(() -> GoRegex.compile(deep)).isInstanceOf(PatternSyntaxException.class)
            .hasMessageStartingWith("error parsing regexp: expression nests too deeply");
        String fine = "(".repeat(500) + "a" + ")".repeat(500);
        assertThat(GoRegex.compile(fine).matches("a")).isTrue();
    }

    @Test
    @Timeout(10)
    void caseFoldingTheRunesRe2jLoopsOnIsRefusedInsteadOfHanging() {
        for (String regex : new String[] { "(?i)\u1c80", "(?i:x\u1c88)", "(?i)[\u1c80-\u1c8f]", "(?i)[a-\u1cff]",
            "(?i)\\x{1C81}", "(?i)\\Q\u1c84\\E" }) {
            assertThatThrownBy(() -> GoRegex.compile(regex)).as(regex).isInstanceOf(PatternSyntaxException.class)
                .hasMessageContaining("U+1C80..U+1C88");
        }
        assertThat(GoRegex.compile("\u1c80").matches("\u1c80")).as("without (?i) they compile").isTrue();
    }

    @Test
    void ordinaryExpressionsCompileAndMatchAsBefore() {
        for (String regex : new String[] { "node_.+", "(?i)GET|post", "[a-z]{2,5}-\\d{1,3}", "a{1000}", "(ab){1000}",
            "x{2}{3}|y", "(?P<host>[^:]+):(\\d+)", "\\{literal}", "[[:alpha:]]+", "(?:a|b|c)*?", "{", "a{,3}" }) {
            try {
                GoRegex.compile(regex);
            }
            catch (PatternSyntaxException e) {
                assertThat(e.getMessage()).as(regex).doesNotContain("too large").doesNotContain("nests too deeply");
            }
        }
        assertThat(GoRegex.compile("[a-z]{2,5}-\\d{1,3}").matches("abc-12")).isTrue();
        assertThat(GoRegex.compile("(a{1000}){100}").matches("a".repeat(100_000))).isTrue();
    }

    @Test
    void aCompiledExpressionIsSharedAndARefusalIsNotRemembered() {
        assertThat(GoRegex.compile("job-[0-9]+")).isSameAs(GoRegex.compile("job-[0-9]+"));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> GoRegex.compile("(?i)\u1c80")).isInstanceOf(PatternSyntaxException.class);
        }
        for (int i = 0; i < 3_000; i++) {
            assertThat(GoRegex.compile("v" + i).matches("v" + i)).isTrue(); // past the cache's size: still right
        }
    }
}
