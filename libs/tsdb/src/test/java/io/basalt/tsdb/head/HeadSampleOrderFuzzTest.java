package io.basalt.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import io.basalt.tsdb.part.SampleRun;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A sender chooses the timestamps and values the head compresses: any order, repeats, jumps across the whole range of
 * a long, every NaN payload. Whatever arrives, a read returns exactly what a sorted map of "last value written per
 * timestamp" holds, bit for bit, and a window returns the map's sub-range.
 *
 * <p>The {@code @FuzzTest} is a Jazzer target (regression corpus in the normal build, fuzzing with {@code -Pfuzz});
 * the {@code @Test}s run fresh seeded cases in every build.
 */
class HeadSampleOrderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void writesInAnyOrder(FuzzedDataProvider data) {
        holdsWhatTheModelHolds(Gen.of(data));
    }

    @Test
    void seededWritesInAnyOrder() {
        Seeded.forAll(2000, HeadSampleOrderFuzzTest::holdsWhatTheModelHolds);
    }

    /** Writes the corpus: {@code -Dtest=HeadSampleOrderFuzzTest#writeSeeds}. */
    @Test
    void writeSeeds() {
        Corpus.write(getClass(), "writesInAnyOrder", Corpus.randomChoices(16, 512));
    }

    private static void holdsWhatTheModelHolds(Gen g) {
        Head head = new Head();
        TreeMap<Long, Long> model = new TreeMap<>();
        int writes = g.intBetween(1, 12);
        long cursor = g.bool() ? g.anyLong() : 1_700_000_000_000L;
        for (int w = 0; w < writes; w++) {
            int len = g.intBetween(1, 40);
            long[] ts = new long[len];
            double[] vs = new double[len];
            for (int i = 0; i < len; i++) {
                cursor = switch (g.intBetween(0, 5)) {
                    case 0 -> cursor; // a repeat
                    case 1 -> cursor - g.intBetween(1, 100_000); // late
                    case 2 -> g.bool() ? g.anyLong() : g.interestingLong(); // a jump anywhere
                    default -> cursor + 15_000 + g.intBetween(-5, 5); // a scrape, with jitter
                };
                ts[i] = cursor;
                vs[i] = switch (g.intBetween(0, 3)) {
                    case 0 -> g.anyDoubleBits();
                    case 1 -> vs[Math.max(0, i - 1)]; // unchanged
                    default -> Math.floor(g.fraction() * 1e6);
                };
                model.put(ts[i], Double.doubleToRawLongBits(vs[i]));
            }
            head.add(7, ts, vs, 0, len, 0, 0);
            if (g.intBetween(0, 3) == 0) {
                assertWindow(head, model, g);
            }
        }
        assertMatches(head.read(7, Long.MIN_VALUE, Long.MAX_VALUE), model);
        assertThat(head.samples()).isEqualTo(model.size());
        assertWindow(head, model, g);
    }

    private static void assertWindow(Head head, TreeMap<Long, Long> model, Gen g) {
        long a = g.bool() ? g.anyLong() : model.firstKey();
        long b = g.bool() ? g.anyLong() : model.lastKey();
        long min = Math.min(a, b);
        long max = Math.max(a, b);
        assertMatches(head.read(7, min, max), model.subMap(min, true, max, true));
    }

    private static void assertMatches(SampleRun run, Map<Long, Long> expected) {
        assertThat(run.size()).isEqualTo(expected.size());
        int i = 0;
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            assertThat(run.timestamps()[i]).isEqualTo(e.getKey());
            assertThat(Double.doubleToRawLongBits(run.values()[i])).as("value bits at %d", e.getKey())
                .isEqualTo(e.getValue());
            i++;
        }
    }
}
