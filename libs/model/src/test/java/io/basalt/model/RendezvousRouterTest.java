package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousRouterTest {

    private static final int SERIES = 20_000;

    private static List<String> nodes(int n) {
        return IntStream.range(0, n).mapToObj(i -> "http://storage-" + i + ":8482").toList();
    }

    private static long[] seriesHashes() {
        long[] hashes = new long[SERIES];
        for (int i = 0; i < SERIES; i++) {
            hashes[i] = SeriesHash.of(TenantId.DEFAULT, Labels.of("__name__", "http_requests_total", "pod",
                    "api-" + (i % 100), "path", "/p" + (i / 100)));
        }
        return hashes;
    }

    private static int first(RendezvousRouter router, long hash) {
        int[] out = new int[1];
        router.pick(hash, n -> true, out);
        return out[0];
    }

    @Test
    void spreadsSeriesEvenlyOverNodes() {
        RendezvousRouter router = new RendezvousRouter(nodes(4));
        int[] perNode = new int[4];
        for (long h : seriesHashes()) {
            perNode[first(router, h)]++;
        }
        for (int count : perNode) {
            assertThat(count).isBetween(SERIES / 4 * 9 / 10, SERIES / 4 * 11 / 10);
        }
    }

    @Test
    void addingANodeMovesOnlyTheSeriesThatNowRankItFirst() {
        RendezvousRouter before = new RendezvousRouter(nodes(4));
        RendezvousRouter after = new RendezvousRouter(nodes(5));
        int moved = 0;
        for (long h : seriesHashes()) {
            int was = first(before, h);
            int now = first(after, h);
            if (was != now) {
                moved++;
                assertThat(now).as("a moved series goes to the new node only").isEqualTo(4);
            }
        }
        // Ideally 1/5 of the series move; allow sampling noise.
        assertThat(moved).isBetween(SERIES / 5 * 9 / 10, SERIES / 5 * 11 / 10);
    }

    @Test
    void replicasLandOnDistinctNodesInRankOrder() {
        RendezvousRouter router = new RendezvousRouter(nodes(5));
        for (long h : seriesHashes()) {
            int[] three = new int[3];
            assertThat(router.pick(h, n -> true, three)).isEqualTo(3);
            assertThat(three).doesNotHaveDuplicates();
            int[] one = new int[1];
            router.pick(h, n -> true, one);
            assertThat(three[0]).isEqualTo(one[0]);
        }
    }

    @Test
    void aDownNodesSeriesFallToTheirNextChoiceSpreadOverSurvivors() {
        RendezvousRouter router = new RendezvousRouter(nodes(4));
        Map<Integer, Integer> takenOver = new HashMap<>();
        for (long h : seriesHashes()) {
            int[] ranked = new int[2];
            router.pick(h, n -> true, ranked);
            int[] withoutNode0 = new int[1];
            router.pick(h, n -> n != 0, withoutNode0);
            if (ranked[0] == 0) {
                assertThat(withoutNode0[0]).isEqualTo(ranked[1]);
                takenOver.merge(withoutNode0[0], 1, Integer::sum);
            }
            else {
                assertThat(withoutNode0[0]).isEqualTo(ranked[0]);
            }
        }
        assertThat(takenOver).containsOnlyKeys(1, 2, 3);
        List<Integer> shares = new ArrayList<>(takenOver.values());
        int total = shares.stream().mapToInt(Integer::intValue).sum();
        shares.forEach(s -> assertThat(s).isBetween(total / 3 * 8 / 10, total / 3 * 12 / 10));
    }

    @Test
    void tooFewUsableNodesIsReported() {
        RendezvousRouter router = new RendezvousRouter(nodes(3));
        int[] out = new int[2];
        assertThat(router.pick(123, n -> n == 1, out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo(1);
    }

    @Test
    void hashDependsOnTenantAndOnEveryLabel() {
        Labels a = Labels.of("__name__", "up", "job", "ab");
        assertThat(SeriesHash.of(TenantId.DEFAULT, a)).isNotEqualTo(SeriesHash.of(new TenantId(1, 0), a))
            .isNotEqualTo(SeriesHash.of(TenantId.DEFAULT, Labels.of("__name__", "up", "job", "ac")))
            .isNotEqualTo(SeriesHash.of(TenantId.DEFAULT, Labels.of("__name__", "up", "joba", "b")))
            .isEqualTo(SeriesHash.of(TenantId.DEFAULT, Labels.of("job", "ab", "__name__", "up")));
    }
}
