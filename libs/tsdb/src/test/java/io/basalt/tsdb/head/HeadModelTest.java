package io.basalt.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.StaleMarker;
import io.basalt.tsdb.part.SampleRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The head against the simplest model of what it must hold: per series a sorted map from timestamp to the raw bits of
 * the value written last. Writes come in any order, repeat timestamps, and carry NaN payloads and stale markers.
 */
class HeadModelTest {

    private static final long SEED = Long.getLong("head.seed", System.nanoTime());

    private static final double[] SPECIAL = { Double.NaN, Double.longBitsToDouble(StaleMarker.BITS),
        Double.longBitsToDouble(0x7ff8000000000123L), -0.0, 0.0, Double.POSITIVE_INFINITY, Double.MIN_VALUE };

    @Test
    void holdsWhatASortedMapHoldsWhateverTheOrderOfWrites() {
        Random random = new Random(SEED);
        for (int round = 0; round < 300; round++) {
            Head head = new Head();
            List<TreeMap<Long, Long>> model = new ArrayList<>();
            int seriesCount = 1 + random.nextInt(5);
            int[] ids = new int[seriesCount];
            for (int s = 0; s < seriesCount; s++) {
                // ids far apart cross the head's pages
                ids[s] = random.nextInt(4) == 0 ? random.nextInt(1 << 16) : s;
                for (int earlier = 0; earlier < s; earlier++) {
                    if (ids[earlier] == ids[s]) {
                        ids[s] = (1 << 17) + s;
                    }
                }
                model.add(new TreeMap<>());
            }
            int writes = random.nextInt(40);
            for (int w = 0; w < writes; w++) {
                int s = random.nextInt(seriesCount);
                int len = 1 + random.nextInt(20);
                long[] ts = new long[len + 2];
                double[] vs = new double[len + 2];
                long base = random.nextInt(3) == 0 ? 1_000_000 - w * 1000L : 1_000_000 + w * 1000L;
                for (int i = 1; i <= len; i++) {
                    ts[i] = switch (random.nextInt(4)) {
                        case 0 -> base - i * 10L; // descending
                        case 1 -> base + random.nextInt(50); // repeats likely
                        default -> base + i * 10L;
                    };
                    vs[i] = random.nextInt(5) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextDouble();
                    model.get(s).put(ts[i], Double.doubleToRawLongBits(vs[i]));
                }
                head.add(ids[s], ts, vs, 1, len, 0, 0);
                if (random.nextInt(6) == 0) {
                    int probe = random.nextInt(seriesCount);
                    assertMatches(head, ids[probe], model.get(probe), random);
                }
            }
            long expectedSeries = model.stream().filter(m -> !m.isEmpty()).count();
            assertThat(head.seriesCount()).as("seed %d", SEED).isEqualTo(expectedSeries);
            for (int s = 0; s < seriesCount; s++) {
                assertMatches(head, ids[s], model.get(s), random);
            }
            long held = model.stream().mapToLong(TreeMap::size).sum();
            assertThat(head.samples()).as("samples after every series was read, seed %d", SEED).isEqualTo(held);
            List<Integer> listed = new ArrayList<>();
            head.forEachId(listed::add);
            assertThat(listed).as("seed %d", SEED).hasSize((int) expectedSeries);
        }
    }

    @Test
    void storesAQuarterMillionSamplesInDescendingOrder() {
        int n = 250_000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 10_000_000L - i;
            vs[i] = i;
        }
        Head head = new Head();
        head.add(7, ts, vs, 0, n, 0, 0);
        SampleRun run = head.read(7, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(run.size()).isEqualTo(n);
        assertThat(run.timestamps()[0]).isEqualTo(10_000_000L - (n - 1));
        assertThat(run.values()[0]).isEqualTo(n - 1);
        assertThat(run.timestamps()[n - 1]).isEqualTo(10_000_000L);
    }

    private static void assertMatches(Head head, int id, TreeMap<Long, Long> expected, Random random) {
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        if (!expected.isEmpty() && random.nextBoolean()) {
            min = expected.firstKey() + random.nextInt(200);
            max = min + random.nextInt(2000);
        }
        SampleRun run = head.read(id, min, max);
        var window = expected.subMap(min, true, max, true);
        assertThat(run.size()).as("series %d, seed %d", id, SEED).isEqualTo(window.size());
        int i = 0;
        for (var e : window.entrySet()) {
            assertThat(run.timestamps()[i]).as("seed %d", SEED).isEqualTo(e.getKey());
            assertThat(Double.doubleToRawLongBits(run.values()[i])).as("value at %d, seed %d", e.getKey(), SEED)
                .isEqualTo(e.getValue());
            i++;
        }
    }
}
