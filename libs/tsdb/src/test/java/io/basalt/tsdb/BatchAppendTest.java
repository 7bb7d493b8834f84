package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.LabelEncoding;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends of label sets as bytes: known series found by their bytes, new ones decoded, bad ones refused whole. */
class BatchAppendTest {

    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    static final TenantId TENANT = new TenantId(3, 1);

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));

    TsdbEngine open() {
        return TsdbEngine.open(EngineConfig.builder(dir).backgroundTasks(false).clock(clock).minFreeDiskSpaceBytes(0)
            .build());
    }

    @Test
    void aKnownSeriesSentAgainAsBytesKeepsItsIdentityAcrossFlushAndRestart() {
        Labels up = Labels.of("__name__", "up", "job", "api");
        try (TsdbEngine e = open()) {
            e.append(TENANT, List.of(TimeSeries.single(up, T0, 1)));
            e.append(TENANT, SeriesBatch.of(List.of(TimeSeries.single(up, T0 + 15_000, 2))));
            e.flush();
            e.append(TENANT, SeriesBatch.of(List.of(TimeSeries.single(up, T0 + 30_000, 3))));
            assertThat(e.seriesCount()).isEqualTo(1);
        }
        try (TsdbEngine e = open()) {
            e.append(TENANT, SeriesBatch.of(List.of(TimeSeries.single(up, T0 + 45_000, 4))));
            List<TimeSeries> found = TsdbEngineTest.all(e, TENANT);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).values()).containsExactly(1, 2, 3, 4);
            assertThat(e.seriesCount()).isEqualTo(1);
        }
    }

    @Test
    void bytesThatAreNotCanonicalStillReachTheSameSeries() {
        Labels up = Labels.of("__name__", "up", "job", "api");
        // the same label set with its pairs out of order and an empty-valued label: decodes equal, bytes differ
        byte[] unsorted = encodePairs("job", "api", "zone", "", "__name__", "up");
        try (TsdbEngine e = open()) {
            e.append(TENANT, List.of(TimeSeries.single(up, T0, 1)));
            e.append(TENANT, new SeriesBatch.Builder(null, 1, 1).series(unsorted).sample(T0 + 15_000, 2).build());
            List<TimeSeries> found = TsdbEngineTest.all(e, TENANT);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).labels()).isEqualTo(up);
            assertThat(found.get(0).values()).containsExactly(1, 2);
        }
    }

    @Test
    void aBatchWithAnInvalidNewLabelSetStoresNothing() {
        byte[] duplicate = encodePairs("__name__", "up", "job", "a", "job", "b");
        try (TsdbEngine e = open()) {
            SeriesBatch batch = new SeriesBatch.Builder(null, 2, 2)
                .series(LabelEncoding.encode(Labels.of("__name__", "fine"))).sample(T0, 1)
                .series(duplicate).sample(T0, 2)
                .build();
            assertThatThrownBy(() -> e.append(TENANT, batch)).isInstanceOf(InvalidLabelsException.class);
            assertThat(TsdbEngineTest.all(e, TENANT)).isEmpty();
            assertThat(e.seriesCount()).isZero();
            assertThat(e.samplesAppended()).isZero();
        }
    }

    @Test
    void samplesOutsideRetentionAreDroppedFromABatchAndTheRestIsStored() {
        Labels up = Labels.of("__name__", "up");
        long tooOld = T0 - 400L * 24 * 3_600_000;
        try (TsdbEngine e = open()) {
            e.append(TENANT, SeriesBatch.of(List.of(new TimeSeries(up, new long[] { tooOld, T0 },
                    new double[] { 9, 1 }))));
            List<TimeSeries> found = TsdbEngineTest.all(e, TENANT);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).timestamps()).containsExactly(T0);
        }
    }

    private static byte[] encodePairs(String... pairs) {
        var out = new java.io.ByteArrayOutputStream();
        out.write(pairs.length / 2);
        for (String s : pairs) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
