package io.basalt.insert.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MovePlanTest {

    private static final TenantId TENANT = new TenantId(3, 0);

    private static final String S1 = "http://127.0.0.1:8482";

    private static final String S2 = "http://127.0.0.1:8492";

    private static final String S3 = "http://127.0.0.1:8502";

    private static final long NOW = 1_800_000_000_000L;

    private static List<TimeSeries> series(int n, long newest) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TimeSeries(Labels.of("__name__", "m", "i", Integer.toString(i)),
                    new long[] { newest - 60_000, newest }, new double[] { i, i + 1 }));
        }
        return out;
    }

    /** What storage answers to {@code /internal/misplaced}: the held series whose owners do not include the holder. */
    private static List<TimeSeries> misplacedOn(String holder, List<TimeSeries> held, List<String> placement) {
        RendezvousRouter router = new RendezvousRouter(placement);
        int index = placement.indexOf(holder);
        return held.stream()
            .filter(ts -> index < 0 || !router.isOwner(SeriesHash.of(TENANT, ts.labels()), index, 2))
            .toList();
    }

    @Test
    void addingAThirdNodeMovesAboutAThirdOfEachHoldersSeriesToTheNewNodeOnly() {
        // Two nodes, two copies: both hold every series. Under {S1, S2, S3} each series lives on two of three.
        List<TimeSeries> all = series(3000, NOW - 3_600_000);
        List<String> placement = List.of(S1, S2, S3);
        Set<Labels> movedOff = new HashSet<>();
        for (String holder : List.of(S1, S2)) {
            List<TimeSeries> misplaced = misplacedOn(holder, all, placement);
            MovePlan plan = MovePlan.of(TENANT, holder, misplaced, placement, 2, NOW - 600_000);

            assertThat(plan.ready()).hasSameSizeAs(misplaced);
            assertThat((double) plan.ready().size() / all.size()).as("share leaving %s", holder).isBetween(0.28,
                    0.39);
            // A series leaving S1 is owned by S2 (which has it) and S3 (which does not): the plan copies to both,
            // and S2 stores nothing new.
            assertThat(plan.copies().keySet()).containsExactlyInAnyOrder(S3, holder.equals(S1) ? S2 : S1);
            assertThat(plan.copies().get(S3)).hasSameSizeAs(plan.ready());
            plan.ready().forEach(ts -> movedOff.add(ts.labels()));
        }
        // Every series S3 owns had to leave S1 or S2: nothing it owns is missed.
        RendezvousRouter router = new RendezvousRouter(placement);
        long ownedByS3 = all.stream().filter(ts -> router.isOwner(SeriesHash.of(TENANT, ts.labels()), 2, 2)).count();
        assertThat(movedOff).hasSize((int) ownedByS3);
    }

    @Test
    void aDrainingNodeHandsEverySeriesToBothOwnersAmongTheOthers() {
        List<TimeSeries> held = series(500, NOW - 3_600_000);
        List<String> placement = List.of(S1, S2);
        MovePlan plan = MovePlan.of(TENANT, S3, misplacedOn(S3, held, placement), placement, 2, NOW - 600_000);

        assertThat(plan.ready()).hasSize(500);
        assertThat(plan.copies()).containsOnlyKeys(S1, S2);
        assertThat(plan.copies().values()).allSatisfy(copies -> assertThat(copies).hasSize(500));
    }

    @Test
    void recentSeriesWaitAndSeriesTheHolderOwnsAreLeftAlone() {
        List<String> placement = List.of(S1, S2, S3);
        List<TimeSeries> recent = misplacedOn(S3, series(100, NOW - 1000), placement);
        MovePlan plan = MovePlan.of(TENANT, S3, recent, placement, 2, NOW - 600_000);
        assertThat(plan.ready()).isEmpty();
        assertThat(plan.copies()).isEmpty();
        assertThat(plan.settling()).isEqualTo(recent.size()).isPositive();

        // A holder answering with series it owns (computed from another list) moves none of them.
        List<TimeSeries> owned = series(300, NOW - 3_600_000).stream()
            .filter(ts -> misplacedOn(S3, List.of(ts), placement).isEmpty()).toList();
        assertThat(owned).isNotEmpty();
        assertThat(MovePlan.of(TENANT, S3, owned, placement, 2, NOW - 600_000).ready()).isEmpty();
    }

    @Test
    void aCopyIsVerifiedSampleBySampleAndExtraSamplesAtTheOwnerAreFine() {
        TimeSeries copied = new TimeSeries(Labels.of("__name__", "m"), new long[] { 1, 2, 3 },
                new double[] { 1, 2, 3 });
        TimeSeries more = new TimeSeries(copied.labels(), new long[] { 0, 1, 2, 3, 4 },
                new double[] { 0, 1, 2, 3, 4 });
        TimeSeries changed = new TimeSeries(copied.labels(), new long[] { 1, 2, 3 }, new double[] { 1, 2.5, 3 });
        TimeSeries gap = new TimeSeries(copied.labels(), new long[] { 1, 3 }, new double[] { 1, 3 });

        assertThat(CopyCheck.missingSamples(List.of(copied), List.of(more))).isZero();
        assertThat(CopyCheck.missingSamples(List.of(copied), List.of(changed))).isEqualTo(1);
        assertThat(CopyCheck.missingSamples(List.of(copied), List.of(gap))).isEqualTo(1);
        assertThat(CopyCheck.missingSamples(List.of(copied), List.of())).isEqualTo(3);
    }
}
