package io.basalt.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegexPlanTest {

    @Test
    void literalAlternationsBecomeExactLookups() {
        assertThat(RegexPlan.of("a|b|c").exactValues()).containsExactly("a", "b", "c");
        assertThat(RegexPlan.of("node").exactValues()).containsExactly("node");
        assertThat(RegexPlan.of("x\\.y").exactValues()).containsExactly("x.y");
    }

    @Test
    void literalPrefixesNarrowTheValueRange() {
        assertThat(RegexPlan.of("node_.*").prefix()).isEqualTo("node_");
        assertThat(RegexPlan.of("api.+").prefix()).isEqualTo("api");
        // A quantifier applies to the character before it, which is then no longer certain.
        assertThat(RegexPlan.of("ab?c").prefix()).isEqualTo("a");
        assertThat(RegexPlan.of("i[12]").prefix()).isEqualTo("i");
    }

    @Test
    void regexesWithoutLiteralPrefixScanTheLabelsValues() {
        assertThat(RegexPlan.of(".*foo").prefix()).isEmpty();
        assertThat(RegexPlan.of("a.*|b.*").prefix()).isEmpty();
        assertThat(RegexPlan.of("\\d+").exact()).isFalse();
    }
}
