package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import org.junit.jupiter.api.Test;

/**
 * The comparison a repair pass makes on one block: replicas end up holding the same samples, only differing ranges
 * are read, samples outside the block are left alone, and conflicting values are counted, not overwritten.
 */
class BlockRepairTest {

    private static final TenantId TENANT = new TenantId(3, 1);

    private static final TimeBlock BLOCK = new TimeBlock(3_600_000, 3_600_000);

    private static final int[] BOTH = { 0, 1 };

    private static final int[] NONE = {};

    private final InMemoryReplicas replicas = new InMemoryReplicas(2);

    private final RepairTally tally = new RepairTally();

    @Test
    void aReplicaThatLostEverythingGetsEverySampleBack() {
        fill(0, 5_000, 0, 10);

        repair(100);

        assertThat(replicas.held(1, TENANT)).isEqualTo(replicas.held(0, TENANT)).hasSize(5_000);
        assertThat(tally.samplesCopied()).isEqualTo(50_000);
    }

    @Test
    void eachReplicaGetsWhatOnlyTheOtherHas() {
        fill(0, 300, 0, 10);
        fill(1, 300, 0, 10);
        Labels onlyOn0 = series(7);
        Labels onlyOn1 = series(1_000);
        replicas.put(0, TENANT, onlyOn0, BLOCK.start() + 999, 1.5);
        replicas.put(1, TENANT, onlyOn1, BLOCK.start() + 5, 2.5);
        replicas.put(1, TENANT, series(8), BLOCK.start() + 77, 3.5);

        repair(100);

        assertThat(replicas.held(0, TENANT)).isEqualTo(replicas.held(1, TENANT)).hasSize(301);
        assertThat(replicas.held(1, TENANT).get(onlyOn0)).containsEntry(BLOCK.start() + 999, 1.5);
        assertThat(replicas.held(0, TENANT).get(onlyOn1)).containsEntry(BLOCK.start() + 5, 2.5);
        assertThat(tally.samplesCopied()).isEqualTo(3);
    }

    @Test
    void equalReplicasCostOneDigestCallEachAndNoReads() {
        fill(0, 2_000, 0, 10);
        fill(1, 2_000, 0, 10);

        repair(100);

        assertThat(replicas.digestCalls).isEqualTo(2);
        assertThat(replicas.seriesCalls).isZero();
        assertThat(replicas.writes).isZero();
        assertThat(tally.rangesDiffering()).isZero();
    }

    @Test
    void oneDifferingSeriesIsFoundByDescendingAndOnlyItsLeafIsRead() {
        fill(0, 20_000, 0, 2);
        fill(1, 20_000, 0, 2);
        replicas.put(0, TENANT, series(12_345), BLOCK.start() + 3, 9);

        repair(50);

        assertThat(replicas.seriesCalls).as("one leaf, read from both replicas").isEqualTo(2);
        assertThat(replicas.held(1, TENANT).get(series(12_345))).containsEntry(BLOCK.start() + 3, 9.0);
        assertThat(tally.samplesCopied()).isEqualTo(1);
        assertThat(tally.rangesDiffering()).as("one sub-range per level").isGreaterThanOrEqualTo(2);
    }

    @Test
    void samplesOutsideTheBlockAreNotCompared() {
        replicas.put(0, TENANT, series(1), BLOCK.end(), 1);
        replicas.put(0, TENANT, series(1), BLOCK.start() - 1, 1);

        repair(100);

        assertThat(replicas.held(1, TENANT)).isEmpty();
    }

    @Test
    void aConflictingValueIsCountedAndNotOverwritten() {
        replicas.put(0, TENANT, series(1), BLOCK.start(), 1);
        replicas.put(1, TENANT, series(1), BLOCK.start(), 2);

        repair(100);

        assertThat(tally.conflicts()).isEqualTo(1);
        assertThat(replicas.held(0, TENANT).get(series(1))).containsEntry(BLOCK.start(), 1.0);
        assertThat(replicas.held(1, TENANT).get(series(1))).containsEntry(BLOCK.start(), 2.0);
    }

    @Test
    void aNodeThatDoesNotOwnASeriesIsNotGivenIt() {
        fill(0, 100, 0, 1);
        BlockRepair repair = new BlockRepair(replicas, (node, tenant, labels) -> node == 0, 100, 1_000, tally);

        repair.repair(BOTH, NONE, BLOCK);

        assertThat(replicas.held(1, TENANT)).isEmpty();
    }

    @Test
    void aDrainingNodeIsReadWhereTheOwnersDifferButNeverWritten() {
        InMemoryReplicas three = new InMemoryReplicas(3);
        Labels s = series(1);
        three.put(0, TENANT, s, BLOCK.start(), 1);
        three.put(0, TENANT, s, BLOCK.start() + 15_000, 2);
        three.put(1, TENANT, s, BLOCK.start(), 1);
        three.put(2, TENANT, s, BLOCK.start() + 30_000, 3); // only the draining node still has it
        three.put(2, TENANT, series(2), BLOCK.start(), 4);

        new BlockRepair(three, (node, tenant, labels) -> true, 100, 1_000, tally).repair(BOTH, new int[] { 2 },
                BLOCK);

        assertThat(three.held(0, TENANT)).isEqualTo(three.held(1, TENANT));
        assertThat(three.held(1, TENANT).get(s)).containsOnlyKeys(BLOCK.start(), BLOCK.start() + 15_000,
                BLOCK.start() + 30_000);
        assertThat(three.held(2, TENANT).get(s)).as("the draining node is given nothing")
                .containsOnlyKeys(BLOCK.start() + 30_000);
    }

    @Test
    void copiesAreSplitIntoBoundedWrites() {
        fill(0, 3_000, 0, 10);
        new BlockRepair(replicas, (node, tenant, labels) -> true, 1_000, 25, tally).repair(BOTH, NONE, BLOCK);

        assertThat(replicas.largestWrite).isEqualTo(20);
        assertThat(replicas.held(1, TENANT)).isEqualTo(replicas.held(0, TENANT));
    }

    private void repair(long leafSeries) {
        new BlockRepair(replicas, (node, tenant, labels) -> true, leafSeries, 10_000, tally).repair(BOTH, NONE, BLOCK);
    }

    /** {@code count} series with {@code samples} samples each, 15 s apart from the block's start plus {@code from}. */
    private void fill(int node, int count, long from, int samples) {
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < samples; i++) {
                replicas.put(node, TENANT, series(s), BLOCK.start() + from + i * 15_000L, s * 0.5 + i);
            }
        }
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "repair_test", "id", Integer.toString(i));
    }
}
