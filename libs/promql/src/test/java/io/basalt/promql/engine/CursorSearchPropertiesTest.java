package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The cursor-assisted sample search used at each step must find exactly what a fresh bisection finds. */
class CursorSearchPropertiesTest {

    @Property(tries = 300)
    void walkingFromThePreviousAnswerFindsWhatBisectionFinds(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> sampleTimes,
            @ForAll @Size(max = 80) List<@IntRange(min = -50, max = 1100) Integer> searchTimes) {
        long[] ts = sampleTimes.stream().mapToLong(Integer::longValue).sorted().distinct().toArray();
        int[] cursor = { -1 };
        for (int t : searchTimes) {
            assertThat(Evaluator.lastAtOrBefore(ts, t, cursor, 0))
                .as("t=%d in %s", t, Arrays.toString(ts))
                .isEqualTo(Evaluator.lastAtOrBefore(ts, t));
        }
    }
}
