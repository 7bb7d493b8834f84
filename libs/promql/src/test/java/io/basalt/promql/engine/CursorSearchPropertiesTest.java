package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.Seeded;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor-assisted sample search used at each step must find exactly what a fresh bisection finds. */
class CursorSearchPropertiesTest {

    @Test
    void walkingFromThePreviousAnswerFindsWhatBisectionFinds() {
        Seeded.forAll(300, g -> {
            List<Integer> sampleTimes = g.list(0, 60, x -> x.intBetween(0, 1000));
            List<Integer> searchTimes = g.list(0, 80, x -> x.intBetween(-50, 1100));
            long[] ts = sampleTimes.stream().mapToLong(Integer::longValue).sorted().distinct().toArray();
            int[] cursor = { -1 };
            for (int t : searchTimes) {
                assertThat(Evaluator.lastAtOrBefore(ts, t, cursor, 0))
                    .as("t=%d in %s", t, Arrays.toString(ts))
                    .isEqualTo(Evaluator.lastAtOrBefore(ts, t));
            }
        });
    }
}
