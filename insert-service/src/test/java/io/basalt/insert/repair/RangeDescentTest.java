package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.wire.cluster.HashRange;
import org.junit.jupiter.api.Test;

class RangeDescentTest {

    private static final TenantId TENANT = TenantId.DEFAULT;

    private static final TimeBlock BLOCK = new TimeBlock(0, 60_000);

    private final InMemoryReplicas replicas = new InMemoryReplicas(3);

    @Test
    void leavesContainEveryDifferingSeriesAndNoEqualOne() {
        for (int s = 0; s < 10_000; s++) {
            for (int n = 0; n < 3; n++) {
                replicas.put(n, TENANT, labels(s), 1_000, s);
            }
        }
        replicas.put(2, TENANT, labels(42), 2_000, 1);
        replicas.put(1, TENANT, labels(4_242), 2_000, 1);

        RangeDescent.Differences d = new RangeDescent(replicas, 10).differing(new int[] { 0, 1, 2 }, TENANT, BLOCK);

        assertThat(d.leaves()).hasSize(2);
        assertThat(d.leaves()).anySatisfy(r -> assertThat(r.contains(hash(42))).isTrue());
        assertThat(d.leaves()).anySatisfy(r -> assertThat(r.contains(hash(4_242))).isTrue());
        long seriesInLeaves = 0;
        for (int s = 0; s < 10_000; s++) {
            long h = hash(s);
            if (d.leaves().stream().anyMatch(r -> r.contains(h))) {
                seriesInLeaves++;
            }
        }
        assertThat(seriesInLeaves).as("leaves hold about leafSeries series each").isLessThanOrEqualTo(2 * 10);
    }

    @Test
    void aSeriesOnlyOneReplicaHasIsFound() {
        for (int s = 0; s < 3_000; s++) {
            replicas.put(1, TENANT, labels(s), 1_000, s);
            replicas.put(0, TENANT, labels(s), 1_000, s);
        }
        replicas.put(0, TENANT, labels(-1), 1_000, 1);

        RangeDescent.Differences d = new RangeDescent(replicas, 1_000).differing(new int[] { 0, 1 }, TENANT, BLOCK);

        assertThat(d.leaves()).singleElement().satisfies(r -> {
            assertThat(r.contains(hash(-1))).isTrue();
            assertThat(r.prefixBits()).isEqualTo(RangeDescent.TOP_BUCKET_BITS);
        });
        assertThat(d.rangesDiffering()).isEqualTo(1);
    }

    @Test
    void aRangeSmallEnoughToReadIsReadWhole() {
        for (int s = 0; s < 500; s++) {
            replicas.put(0, TENANT, labels(s), 1_000, s);
        }

        RangeDescent.Differences d = new RangeDescent(replicas, 1_000).differing(new int[] { 0, 1 }, TENANT, BLOCK);

        assertThat(d.leaves()).containsExactly(HashRange.ALL);
        assertThat(replicas.digestCalls).isEqualTo(2);
    }

    @Test
    void splitsAreSizedToReachTheLeafSizeInOneStep() {
        RangeDescent descent = new RangeDescent(replicas, 1_000);

        assertThat(descent.bitsToSplit(1_000)).isZero();
        assertThat(descent.bitsToSplit(1_001)).isEqualTo(1);
        assertThat(descent.bitsToSplit(4_000)).isEqualTo(2);
        assertThat(descent.bitsToSplit(4_001)).isEqualTo(3);
        assertThat(descent.bitsToSplit(Long.MAX_VALUE)).isEqualTo(12);
        assertThatThrownBy(() -> new RangeDescent(replicas, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subRangesPartitionTheirRange() {
        HashRange range = new HashRange(5, 3);
        long h = (5L << 61) | 0x1234_5678L;
        int b = range.bucketOf(h, 4);

        assertThat(range.contains(h)).isTrue();
        assertThat(range.sub(b, 4).contains(h)).isTrue();
        assertThat(range.sub((b + 1) % 16, 4).contains(h)).isFalse();
    }

    private static Labels labels(int i) {
        return Labels.of("__name__", "descent_test", "id", Integer.toString(i));
    }

    private static long hash(int i) {
        return SeriesHash.of(TENANT, labels(i));
    }
}
