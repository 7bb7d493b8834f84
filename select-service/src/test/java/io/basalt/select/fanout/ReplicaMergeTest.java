package io.basalt.select.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaMergeTest {

    private static final Labels UP_A = Labels.of("__name__", "up", "instance", "a");

    private static final Labels UP_B = Labels.of("__name__", "up", "instance", "b");

    @Test
    void copiesOfOneSeriesBecomeOneSeriesWithTheUnionOfSamples() {
        TimeSeries node1 = new TimeSeries(UP_A, new long[] { 1000, 2000, 3000 }, new double[] { 1, 2, 3 });
        // node 2 missed 2000 (it was down) but has 4000 (a series rerouted to it)
        TimeSeries node2 = new TimeSeries(UP_A, new long[] { 1000, 3000, 4000 }, new double[] { 1, 3, 4 });

        List<TimeSeries> merged = ReplicaMerge.merge(List.of(List.of(node1), List.of(node2)));

        assertThat(merged).containsExactly(
                new TimeSeries(UP_A, new long[] { 1000, 2000, 3000, 4000 }, new double[] { 1, 2, 3, 4 }));
    }

    @Test
    void distinctSeriesStayDistinctAndSorted() {
        TimeSeries b = TimeSeries.single(UP_B, 1000, 1);
        TimeSeries a = TimeSeries.single(UP_A, 1000, 0);

        assertThat(ReplicaMerge.merge(List.of(List.of(b), List.of(a)))).containsExactly(a, b);
    }

    @Test
    void answersInAnyOrderGiveEachSeriesOnceInLabelOrder() {
        TimeSeries a1 = TimeSeries.single(UP_A, 1000, 1);
        TimeSeries b1 = TimeSeries.single(UP_B, 1000, 2);
        TimeSeries a2 = TimeSeries.single(UP_A, 2000, 3);
        TimeSeries b2 = TimeSeries.single(UP_B, 2000, 4);

        List<TimeSeries> merged = ReplicaMerge.merge(List.of(List.of(b1, a1), List.of(a2), List.of(b2, a1)));

        assertThat(merged).containsExactly(
                new TimeSeries(UP_A, new long[] { 1000, 2000 }, new double[] { 1, 3 }),
                new TimeSeries(UP_B, new long[] { 1000, 2000 }, new double[] { 2, 4 }));
    }

    @Test
    void staleMarkersSurviveTheMergeBitExactly() {
        TimeSeries node1 = new TimeSeries(UP_A, new long[] { 1000, 2000 }, new double[] { 1, StaleMarker.VALUE });
        TimeSeries node2 = new TimeSeries(UP_A, new long[] { 1000, 2000 }, new double[] { 1, StaleMarker.VALUE });

        TimeSeries merged = ReplicaMerge.merge(List.of(List.of(node1), List.of(node2))).get(0);

        assertThat(Double.doubleToRawLongBits(merged.value(1))).isEqualTo(StaleMarker.BITS);
        assertThat(merged.size()).isEqualTo(2);
    }

    @Test
    void theAccumulatorCountsACopyOnlyByTheSamplesItAdds() {
        ReplicaMerge.Accumulator merged = new ReplicaMerge.Accumulator();

        long first = merged.add(new TimeSeries(UP_A, new long[] { 1000, 2000, 3000 }, new double[] { 1, 2, 3 }));
        long copy = merged.add(new TimeSeries(UP_A, new long[] { 1000, 2000, 3000 }, new double[] { 1, 2, 3 }));
        long rerouted = merged.add(new TimeSeries(UP_A, new long[] { 3000, 4000 }, new double[] { 3, 4 }));

        assertThat(List.of(first, copy, rerouted)).containsExactly(3L, 0L, 1L);
        assertThat(merged.sorted()).containsExactly(
                new TimeSeries(UP_A, new long[] { 1000, 2000, 3000, 4000 }, new double[] { 1, 2, 3, 4 }));
    }
}
