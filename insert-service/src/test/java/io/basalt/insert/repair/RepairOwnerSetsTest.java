package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.wire.cluster.OwnerSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Repair with fewer copies than storage nodes (three nodes, replicationFactor 2, as between adding a node and removing
 * one): every pair of nodes is compared over the series it owns exactly, a node that lost its data is refilled from
 * both of its pairs, and no copy reaches a node that does not own the series, even from a storage node that ignores
 * the owner set.
 */
class RepairOwnerSetsTest {

    private static final TenantId TENANT = new TenantId(5, 0);

    private static final TimeBlock BLOCK = new TimeBlock(7_200_000, 3_600_000);

    private static final List<String> PLACEMENT = List.of("http://storage-1:8482", "http://storage-2:8482",
            "http://storage-3:8482");

    private static final int SERIES = 3_000;

    private static final int SAMPLES = 4;

    /** StorageNodes indices of the placement nodes, deliberately not 0..2. */
    private static final int[] OWNERS = { 4, 1, 2 };

    private static final int[] NONE = {};

    private final InMemoryReplicas replicas = new InMemoryReplicas(5);

    private final RepairTally tally = new RepairTally();

    private final Holders holders = new Holders(OWNERS, NONE, PLACEMENT);

    @Test
    void aNodeThatLostEverythingIsRefilledFromBothOfItsPairsAndNoNodeGetsASeriesItDoesNotOwn() {
        int lost = OWNERS[2];
        fillOwners(lost);

        repair();

        for (int node : OWNERS) {
            assertThat(replicas.held(node, TENANT)).as("node %d holds exactly its series, every sample", node)
                .isEqualTo(expected(node));
        }
        assertThat(replicas.held(lost, TENANT)).as("a share of both pairs").hasSizeBetween(SERIES * 2 / 3 - 200,
                SERIES * 2 / 3 + 200);
        assertThat(tally.samplesCopied()).isEqualTo((long) expected(lost).size() * SAMPLES);
        assertThat(new HashSet<>(replicas.scopesAsked)).as("every pair compared on its own series").containsOnly(
                new OwnerSet(PLACEMENT, new int[] { 0, 1 }), new OwnerSet(PLACEMENT, new int[] { 0, 2 }),
                new OwnerSet(PLACEMENT, new int[] { 1, 2 }));
        assertThat(tally.conflicts()).isZero();
    }

    @Test
    void nodesHoldingExactlyTheirSeriesCostOneDigestCallPerNodeAndPairAndNoReads() {
        fillOwners(-1);

        repair();

        assertThat(replicas.digestCalls).isEqualTo(3 * 2);
        assertThat(replicas.seriesCalls).isZero();
        assertThat(replicas.writes).isZero();
        assertThat(tally.rangesDiffering()).isZero();
    }

    @Test
    void aStorageNodeThatIgnoresTheOwnerSetStillNeverCausesACopyToANonOwner() {
        replicas.ignoresScopes = true;
        fillOwners(OWNERS[2]);

        repair();

        for (int node : OWNERS) {
            assertThat(replicas.held(node, TENANT).keySet()).as("series on node %d", node)
                .isEqualTo(expected(node).keySet());
        }
    }

    @Test
    void aCopyOnANodeThatDoesNotOwnTheSeriesIsLeftToTheRebalancer() {
        Labels s = series(0);
        int[] owners = owners(s);
        int outsider = OWNERS[3 - positionOf(owners[0]) - positionOf(owners[1])];
        replicas.put(outsider, TENANT, s, BLOCK.start(), 1);

        repair();

        assertThat(replicas.held(owners[0], TENANT)).as("owners compare only what they own").isEmpty();
        assertThat(replicas.held(owners[1], TENANT)).isEmpty();
        assertThat(replicas.held(outsider, TENANT)).containsOnlyKeys(s);
    }

    @Test
    void aDrainingNodeIsReadWithinTheOwnerSetWhereItsOwnersDiffer() {
        Labels s = series(1);
        int[] owners = owners(s);
        int draining = 0;
        replicas.put(owners[0], TENANT, s, BLOCK.start(), 1);
        replicas.put(draining, TENANT, s, BLOCK.start() + 15_000, 2);

        new BlockRepair(replicas, (node, tenant, labels) -> true, 100, 10_000, tally)
            .repair(new Holders(OWNERS, new int[] { draining }, PLACEMENT), 2, BLOCK);

        assertThat(replicas.held(owners[1], TENANT).get(s)).containsOnlyKeys(BLOCK.start(), BLOCK.start() + 15_000);
        assertThat(replicas.held(owners[0], TENANT).get(s)).containsOnlyKeys(BLOCK.start(), BLOCK.start() + 15_000);
        int outsider = OWNERS[3 - positionOf(owners[0]) - positionOf(owners[1])];
        assertThat(replicas.held(outsider, TENANT)).isEmpty();
        assertThat(replicas.held(draining, TENANT).get(s)).containsOnlyKeys(BLOCK.start() + 15_000);
    }

    @Test
    void everySetOfReplicationFactorNodesIsAGroupAndAsManyCopiesAsNodesNeedNoScope() {
        List<String> four = List.of("a", "b", "c", "d");
        List<String> five = List.of("a", "b", "c", "d", "e");

        assertThat(new Holders(new int[] { 0, 1, 2, 3 }, NONE, four).groups(2)).hasSize(6)
            .allSatisfy(g -> assertThat(g.scope()).isNotNull());
        assertThat(new Holders(new int[] { 0, 1, 2, 3, 4 }, NONE, five).groups(3)).hasSize(10);
        List<Holders.OwnerGroup> whole = new Holders(new int[] { 3, 7 }, NONE, List.of("a", "b")).groups(2);
        assertThat(whole).singleElement().satisfies(g -> {
            assertThat(g.scope()).as("every node owns every series: today's unscoped request").isNull();
            assertThat(g.nodes()).containsExactly(3, 7);
        });
        Set<Set<Integer>> pairs = new HashSet<>();
        for (Holders.OwnerGroup g : holders.groups(2)) {
            pairs.add(Set.of(g.nodes()[0], g.nodes()[1]));
        }
        assertThat(pairs).containsExactlyInAnyOrder(Set.of(4, 1), Set.of(4, 2), Set.of(1, 2));
    }

    private void repair() {
        new BlockRepair(replicas, (node, tenant, labels) -> true, 100, 10_000, tally).repair(holders, 2, BLOCK);
    }

    /** Every series on each of its owners, except on {@code except} (a node index; -1 for none). */
    private void fillOwners(int except) {
        for (int s = 0; s < SERIES; s++) {
            for (int node : owners(series(s))) {
                if (node == except) {
                    continue;
                }
                for (int i = 0; i < SAMPLES; i++) {
                    replicas.put(node, TENANT, series(s), BLOCK.start() + i * 15_000L, s + i * 0.5);
                }
            }
        }
    }

    /** What {@code node} should hold: every series it owns with all its samples. */
    private Map<Labels, TreeMap<Long, Double>> expected(int node) {
        Map<Labels, TreeMap<Long, Double>> out = new java.util.HashMap<>();
        for (int s = 0; s < SERIES; s++) {
            int[] owners = owners(series(s));
            if (owners[0] == node || owners[1] == node) {
                TreeMap<Long, Double> samples = new TreeMap<>();
                for (int i = 0; i < SAMPLES; i++) {
                    samples.put(BLOCK.start() + i * 15_000L, s + i * 0.5);
                }
                out.put(series(s), samples);
            }
        }
        return out;
    }

    /** The two owners of a series, as StorageNodes indices, computed with the router as insert places it. */
    private static int[] owners(Labels labels) {
        int[] positions = new int[2];
        new RendezvousRouter(PLACEMENT).pick(SeriesHash.of(TENANT, labels), n -> true, positions);
        return new int[] { OWNERS[positions[0]], OWNERS[positions[1]] };
    }

    private static int positionOf(int node) {
        for (int k = 0; k < OWNERS.length; k++) {
            if (OWNERS[k] == node) {
                return k;
            }
        }
        throw new AssertionError(node + " is no owner");
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "owner_sets", "id", Integer.toString(i));
    }
}
