package io.basalt.wire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicaDigestsTest {

    @Test
    void theDigestIgnoresTheOrderSeriesAreScannedInAndSurvivesTheWire() {
        List<TimeSeries> series = series(300, new Random(1));
        List<TimeSeries> shuffled = new ArrayList<>(series);
        Collections.shuffle(shuffled, new Random(2));

        ReplicaDigests a = digest(series, 0, 0, 6);
        ReplicaDigests b = digest(shuffled, 0, 0, 6);

        assertThat(b).isEqualTo(a);
        assertThat(ReplicaDigests.decode(a.encode())).isEqualTo(a);
    }

    @Test
    void oneDifferentValueChangesOnlyItsSubRange() {
        List<TimeSeries> series = series(100, new Random(3));
        ReplicaDigests before = digest(series, 0, 0, 4);
        TimeSeries s = series.get(42);
        series.set(42, new TimeSeries(s.labels(), new long[] { s.timestamp(0) }, new double[] { s.value(0) + 1 }));

        ReplicaDigests after = digest(series, 0, 0, 4);

        int bucket = (int) (SeriesHash.of(TenantId.DEFAULT, s.labels()) >>> 60);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.sameAt(before, i)).as("sub-range %d", i).isEqualTo(i != bucket);
        }
    }

    @Test
    void aSeriesOutsideThePrefixIsNotCounted() {
        TimeSeries s = series(1, new Random(4)).get(0);
        long hash = SeriesHash.of(TenantId.DEFAULT, s.labels());
        long top = hash >>> 63;

        assertThat(new ReplicaDigests(top, 1, 2).add(hash, s)).isTrue();
        assertThat(new ReplicaDigests(top ^ 1, 1, 2).add(hash, s)).isFalse();
    }

    @Test
    void rangesThatAreNoRangesAreRefused() {
        assertThatThrownBy(() -> new ReplicaDigests(0, 60, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaDigests(4, 2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplicaDigests.decode("BDG1".getBytes()))
            .isInstanceOf(MalformedBodyException.class);
        byte[] whole = new ReplicaDigests(0, 0, 0).encode();
        byte[] trailing = java.util.Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> ReplicaDigests.decode(trailing)).isInstanceOf(MalformedBodyException.class);
    }

    private static ReplicaDigests digest(List<TimeSeries> series, long prefix, int prefixBits, int bucketBits) {
        ReplicaDigests d = new ReplicaDigests(prefix, prefixBits, bucketBits);
        for (TimeSeries ts : series) {
            d.add(SeriesHash.of(TenantId.DEFAULT, ts.labels()), ts);
        }
        return d;
    }

    private static List<TimeSeries> series(int n, Random random) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] ts = { 1_000L * i, 1_000L * i + 15_000 };
            double[] values = { random.nextDouble(), random.nextGaussian() };
            out.add(new TimeSeries(Labels.of("__name__", "m", "id", Integer.toString(i)), ts, values));
        }
        return out;
    }
}
