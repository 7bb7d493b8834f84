package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbEngineTest {

    static final TenantId T = new TenantId(1, 2);

    static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));

    EngineConfig.Builder config(Path path) {
        return EngineConfig.builder(path).backgroundTasks(false).clock(clock).minFreeDiskSpaceBytes(0);
    }

    static Labels series(String name, String... more) {
        Labels.Builder b = Labels.builder().add("__name__", name);
        for (int i = 0; i < more.length; i += 2) {
            b.add(more[i], more[i + 1]);
        }
        return b.build();
    }

    static List<TimeSeries> all(Storage s, TenantId tenant, LabelMatcher... matchers) {
        List<TimeSeries> out = new ArrayList<>();
        s.search(tenant, List.of(matchers), Long.MIN_VALUE, Long.MAX_VALUE, out::add);
        return out;
    }

    static TimeSeries ts(Labels labels, long[] t, double[] v) {
        return new TimeSeries(labels, t, v);
    }

    @Test
    void acknowledgedSamplesAreSearchableAtOnceBitExactBeforeAndAfterFlushAndReopen() {
        Labels up = series("up", "job", "node");
        TimeSeries written = ts(up, new long[] { T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000 },
                new double[] { STALE, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300 });
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(written));
            assertThat(all(e, T)).containsExactly(written);
            e.flush();
            assertThat(all(e, T)).containsExactly(written);
            assertThat(e.status().parts()).isEqualTo(1);
        }
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            assertThat(all(e, T)).containsExactly(written);
            assertThat(all(e, new TenantId(1, 3))).isEmpty();
        }
    }

    @Test
    void lateAndOutOfOrderSamplesMergeAcrossHeadAndPartsWithLastWriteWinning() {
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(m, new long[] { T0 + 3000, T0 + 1000 }, new double[] { 3, 1 })));
            e.flush();
            e.append(T, List.of(ts(m, new long[] { T0 + 2000, T0 + 1000 }, new double[] { 2, 10 })));
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { T0 + 1000, T0 + 2000, T0 + 3000 },
                    new double[] { 10, 2, 3 }));
            e.flush();
            e.append(T, List.of(ts(m, new long[] { T0 + 3000 }, new double[] { 30 })));
            e.flush();
            e.forceMerge();
            assertThat(e.status().parts()).isEqualTo(1);
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { T0 + 1000, T0 + 2000, T0 + 3000 },
                    new double[] { 10, 2, 30 }));
        }
    }

    @Test
    void aLabelFilterPassesOnlyTheSeriesItAcceptsAndTenantsAreListedByTimeRange() {
        Labels a = series("a");
        Labels b = series("b");
        TenantId other = new TenantId(9, 0);
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), ts(b, new long[] { T0 },
                    new double[] { 2 })));
            e.append(other, List.of(ts(a, new long[] { T0 }, new double[] { 3 })));
            e.flush();
            List<TimeSeries> out = new ArrayList<>();
            e.search(T, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, labels -> labels.equals(b), out::add);

            assertThat(out).containsExactly(ts(b, new long[] { T0 }, new double[] { 2 }));
            assertThat(e.tenants(T0, T0)).containsExactly(T, other);
            assertThat(e.tenants(T0 + 40L * 86_400_000, T0 + 41L * 86_400_000)).isEmpty();
        }
    }

    @Test
    void searchHonoursTimeRangeAcrossDayPartitions() {
        Labels m = series("m");
        long day = 86_400_000L;
        try (TsdbEngine e = TsdbEngine.open(config(dir).retention("30d").build())) {
            e.append(T, List.of(ts(m, new long[] { T0 - day, T0, T0 + 1 }, new double[] { 1, 2, 3 })));
            e.flush();
            assertThat(e.status().partitions()).isEqualTo(2);
            List<TimeSeries> out = new ArrayList<>();
            e.search(T, List.of(), T0 - day, T0, out::add);
            assertThat(out).containsExactly(ts(m, new long[] { T0 - day, T0 }, new double[] { 1, 2 }));
        }
    }

    @Test
    void seriesListsStayDayGranularInsideAMonthPartitionBeforeAndAfterFlush() {
        long day = 86_400_000L;
        Labels early = series("early");
        Labels late = series("late");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(early, new long[] { T0 - 5 * day }, new double[] { 1 }),
                    ts(late, new long[] { T0 }, new double[] { 2 })));
            for (int round = 0; round < 2; round++) {
                assertThat(e.status().partitions()).isEqualTo(1);
                assertThat(e.series(T, List.of(), T0 - 3600_000, T0 + 1)).containsExactly(late);
                assertThat(e.series(T, List.of(), T0 - 5 * day, T0 - 4 * day)).containsExactly(early);
                assertThat(e.labelValues(T, "__name__", List.of(), T0 - 6 * day, T0)).containsExactly("early", "late");
                e.flush();
            }
        }
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            assertThat(e.series(T, List.of(), T0 - 3600_000, T0 + 1)).containsExactly(late);
        }
    }

    @Test
    void longRetentionUsesMonthPartitionsAndReopensAfterRetentionShrinks() throws IOException {
        Labels m = series("m");
        long day = 86_400_000L;
        long lastMonth = T0 - 25 * day; // 2026-10-26
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(m, new long[] { lastMonth, T0 - day, T0 }, new double[] { 1, 2, 3 })));
            e.flush();
            assertThat(e.status().partitions()).isEqualTo(2);
        }
        try (Stream<Path> s = Files.list(dir.resolve("partitions"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("2026_10", "2026_11");
        }
        try (TsdbEngine e = TsdbEngine.open(config(dir).retention("30d").build())) {
            // New days inside an existing month land in that month; the other samples keep answering.
            e.append(T, List.of(ts(m, new long[] { T0 + 1 }, new double[] { 4 })));
            assertThat(e.status().partitions()).isEqualTo(2);
            assertThat(all(e, T).get(0).values()).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void backgroundMergesShrinkPartCountWithoutChangingAnswers() throws IOException {
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            for (int i = 0; i < 9; i++) {
                e.append(T, List.of(ts(m, new long[] { T0 + i }, new double[] { i })));
                e.flush();
            }
            List<TimeSeries> before = all(e, T);
            e.runMaintenance();
            assertThat(e.status().parts()).isLessThan(9);
            assertThat(e.status().mergesTotal()).isPositive();
            assertThat(all(e, T)).isEqualTo(before);
            // Merged-away files must not stay open, or their disk space is never given back.
            assertThat(openDeletedFilesUnder(dir)).isEmpty();
        }
    }

    static List<String> openDeletedFilesUnder(Path root) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs Linux /proc to list open files");
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(fds)) {
            for (Path fd : s.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(root.toString()) && target.endsWith("(deleted)")) {
                        out.add(target);
                    }
                }
                catch (IOException ignored) {
                    // the descriptor closed while we listed
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(root.toString()) && line.endsWith("(deleted)")) {
                out.add(line); // a mapping pins the file's space just like a descriptor
            }
        }
        return out;
    }

    @Test
    void dedupKeepsTheLastSampleOfEachIntervalWindow() {
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).dedupInterval(Duration.ofSeconds(10)).build())) {
            long base = T0; // a multiple of 10 s
            e.append(T, List.of(ts(m, new long[] { base + 1000, base + 4000, base + 10_000, base + 12_000 },
                    new double[] { 1, 4, 10, 12 })));
            TimeSeries expected = ts(m, new long[] { base + 10_000, base + 12_000 }, new double[] { 10, 12 });
            assertThat(all(e, T)).containsExactly(expected);
            e.flush();
            e.forceMerge();
            assertThat(all(e, T)).containsExactly(expected);
        }
    }

    @Test
    void deletedSeriesDisappearAtOnceStayDeletedAfterReopenAndCanBeWrittenAfresh() {
        Labels a = series("m", "k", "a");
        Labels b = series("m", "k", "b");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), ts(b, new long[] { T0 },
                    new double[] { 2 })));
            e.flush();
            e.append(T, List.of(ts(a, new long[] { T0 + 1 }, new double[] { 3 })));
            assertThat(e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")))).isEqualTo(1);
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactly(b);
        }
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactly(b);
            e.append(T, List.of(ts(a, new long[] { T0 + 5 }, new double[] { 5 })));
            assertThat(all(e, T, LabelMatcher.equal("k", "a")))
                .containsExactly(ts(a, new long[] { T0 + 5 }, new double[] { 5 }));
        }
    }

    @Test
    void aMovedSeriesIsDeletedByItsExactLabelsAndOnlyWhileTheGuardHolds() {
        Labels a = series("m", "k", "a");
        Labels wider = series("m", "k", "a", "x", "1");
        Labels b = series("m", "k", "b");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), ts(wider, new long[] { T0 },
                    new double[] { 2 }), ts(b, new long[] { T0 }, new double[] { 3 })));
            e.flush();

            assertThat(e.deleteSeriesIfUnchanged(T, List.of(a, b), () -> false)).isEqualTo(-1);
            assertThat(all(e, T)).hasSize(3);

            assertThat(e.deleteSeriesIfUnchanged(T, List.of(a), () -> true)).isEqualTo(1);
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactlyInAnyOrder(wider, b);
        }
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactlyInAnyOrder(wider, b);
        }
    }

    @Test
    void retentionDropsWholeExpiredPartitionsAndRefusesTooOldSamples() throws IOException {
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).retention("2d").build())) {
            e.append(T, List.of(ts(m, new long[] { T0, T0 - 10 * 86_400_000L }, new double[] { 1, 2 })));
            assertThat(e.status().rowsDroppedOutsideRetention()).isEqualTo(1);
            e.flush();
            assertThat(all(e, T)).hasSize(1);
            clock.advance(Duration.ofDays(4));
            e.runMaintenance();
            assertThat(all(e, T)).isEmpty();
            assertThat(e.status().partitions()).isZero();
            assertThat(e.status().activeSeries()).isZero();
            long now = clock.millis();
            e.append(T, List.of(ts(m, new long[] { now }, new double[] { 7 })));
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { now }, new double[] { 7 }));
            e.flush();
            try (Stream<Path> s = Files.list(dir.resolve("partitions"))) {
                assertThat(s).hasSize(1); // only the new day
            }
        }
    }

    @Test
    void samplesTooFarAheadOfTheClockAreDroppedAloneAndCountedApartFromRetention() {
        long now = clock.millis();
        long limit = now + Duration.ofDays(2).toMillis();
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).retention("2d").build())) {
            e.append(T, List.of(
                    ts(m, new long[] { now - 10 * 86_400_000L, now, limit, limit + 1, 253_402_300_800_000L },
                            new double[] { 1, 2, 3, 4, 5 }),
                    ts(series("only_future"), new long[] { limit + 60_000 }, new double[] { 6 })));

            assertThat(all(e, T)).containsExactly(ts(m, new long[] { now, limit }, new double[] { 2, 3 }));
            assertThat(e.status().rowsDroppedTooFarInFuture()).isEqualTo(3);
            assertThat(e.status().rowsDroppedOutsideRetention()).isEqualTo(1);
            assertThat(e.status().rowsIngested()).isEqualTo(2);
            assertThat(e.status().activeSeries()).isEqualTo(1);
            // What moves the limit is the clock: a minute later, the same sample is stored.
            clock.advance(Duration.ofMinutes(1));
            e.append(T, List.of(ts(series("only_future"), new long[] { limit + 60_000 }, new double[] { 6 })));
            assertThat(all(e, T, LabelMatcher.equal("__name__", "only_future"))).hasSize(1);
        }
    }

    @Test
    void theFutureLimitIsConfigurable() {
        long now = clock.millis();
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(config(dir).futureRetention(Duration.ofHours(1)).build())) {
            e.append(T, List.of(ts(m, new long[] { now + 3_600_000, now + 3_600_001 }, new double[] { 1, 2 })));

            assertThat(all(e, T)).containsExactly(ts(m, new long[] { now + 3_600_000 }, new double[] { 1 }));
            assertThat(e.status().rowsDroppedTooFarInFuture()).isEqualTo(1);
        }
    }

    @Test
    void acknowledgedFutureSamplesSurviveReplayAfterTheClockIsSetBack() {
        long ahead = clock.millis() + Duration.ofDays(1).toMillis();
        Labels m = series("m");
        EngineConfig cfg = config(dir).fsync(FsyncPolicy.parse("always")).build();
        TsdbEngine crashed = TsdbEngine.open(cfg); // never closed, so the sample comes back only from the log
        crashed.append(T, List.of(ts(m, new long[] { ahead }, new double[] { 1 })));
        clock.advance(Duration.ofDays(-2));
        try (TsdbEngine e = TsdbEngine.open(cfg)) {
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { ahead }, new double[] { 1 }));
            assertThat(e.status().rowsDroppedTooFarInFuture()).isZero();
        }
    }

    @Test
    void snapshotRestoredIntoAFreshDataPathAnswersLikeTheOriginal(@TempDir Path restored) {
        List<TimeSeries> expected;
        String name;
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            for (int i = 0; i < 20; i++) {
                e.append(T, List.of(ts(series("m", "i", "" + i), new long[] { T0, T0 + 15_000 },
                        new double[] { i / 100.0, STALE })));
            }
            name = e.snapshotCreate();
            e.append(T, List.of(ts(series("after"), new long[] { T0 }, new double[] { 1 })));
            expected = all(e, T, LabelMatcher.equal("__name__", "m"));
            assertThat(e.snapshotList()).containsExactly(name);
            Path target = restored.resolve("data");
            TsdbEngine.restoreSnapshot(e.snapshotPath(name), target);
            try (TsdbEngine r = TsdbEngine.open(config(target).build())) {
                assertThat(all(r, T)).isEqualTo(expected);
                assertThat(r.labelValues(T, "__name__", List.of(), Long.MIN_VALUE, Long.MAX_VALUE))
                    .containsExactly("m");
            }
            assertThat(e.snapshotDelete(name)).isTrue();
            assertThat(e.snapshotList()).isEmpty();
            assertThat(all(e, T)).hasSize(21);
        }
    }

    @Test
    void lowDiskSpaceMakesAppendsFailWhileReadsWorkAndRecoversByItself() {
        AtomicLong free = new AtomicLong(1L << 30);
        EngineConfig cfg = config(dir).minFreeDiskSpaceBytes(1L << 20).freeSpaceCheckInterval(Duration.ZERO)
            .freeSpaceProbe(p -> free.get()).build();
        Labels m = series("m");
        try (TsdbEngine e = TsdbEngine.open(cfg)) {
            e.append(T, List.of(ts(m, new long[] { T0 }, new double[] { 1 })));
            free.set(1000);
            assertThatThrownBy(() -> e.append(T, List.of(ts(m, new long[] { T0 + 1 }, new double[] { 2 }))))
                .isInstanceOf(ReadOnlyException.class).hasMessageContaining("minFreeDiskSpaceBytes");
            assertThat(e.status().readOnly()).isTrue();
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { T0 }, new double[] { 1 }));
            free.set(1L << 30);
            e.append(T, List.of(ts(m, new long[] { T0 + 1 }, new double[] { 2 })));
            assertThat(e.isReadOnly()).isFalse();
            assertThat(all(e, T).get(0).size()).isEqualTo(2);
        }
    }

    /** Offsets from the file start; negative ones from its end (the footer, checked when the part opens). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = { 12, -40 })
    void aCorruptedPartIsQuarantinedAndTheRestKeepsServing(int offset) throws IOException {
        Labels a = series("a");
        Labels b = series("b");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 })));
            e.flush();
            e.append(T, List.of(ts(b, new long[] { T0 }, new double[] { 2 })));
        }
        Path first;
        try (Stream<Path> s = Files.walk(dir.resolve("partitions"))) {
            first = s.filter(p -> p.toString().endsWith(".part")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(first);
        bytes[offset >= 0 ? offset : bytes.length + offset] ^= 0x40;
        Files.write(first, bytes);
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactly(b);
            assertThat(e.status().quarantinedPartsTotal()).isEqualTo(1);
            try (Stream<Path> s = Files.list(dir.resolve("quarantine"))) {
                assertThat(s).hasSize(1);
            }
            e.append(T, List.of(ts(a, new long[] { T0 + 1 }, new double[] { 3 })));
            assertThat(all(e, T)).hasSize(2);
        }
    }

    @Test
    void aPartCorruptedWhileServingIsQuarantinedOnTheNextReadOfABadBlock() throws IOException {
        Labels a = series("a");
        Labels b = series("b");
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 })));
            e.flush();
            e.append(T, List.of(ts(b, new long[] { T0 }, new double[] { 2 })));
            e.flush();
            Path first;
            try (Stream<Path> s = Files.walk(dir.resolve("partitions"))) {
                first = s.filter(p -> p.toString().endsWith(".part")).sorted().findFirst().orElseThrow();
            }
            try (var ch = java.nio.channels.FileChannel.open(first, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] { (byte) 0xEE }), 10); // inside the timestamp column
            }
            assertThat(all(e, T)).extracting(TimeSeries::labels).containsExactly(b);
            assertThat(e.status().quarantinedPartsTotal()).isEqualTo(1);
            assertThat(e.status().parts()).isEqualTo(1);
        }
    }

    @Test
    void cardinalityStatsCountSeriesByNameLabelAndPair() {
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            List<TimeSeries> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(ts(series("http_requests", "code", i < 3 ? "200" : "500", "i", "" + i), new long[] { T0 },
                        new double[] { 1 }));
            }
            batch.add(ts(series("up"), new long[] { T0 }, new double[] { 1 }));
            e.append(T, batch);
            CardinalityStats stats = e.cardinality(T, T0, T0, 2);
            assertThat(stats.totalSeries()).isEqualTo(6);
            assertThat(stats.seriesCountByMetricName()).containsExactly(
                    new CardinalityStats.Entry("http_requests", 5), new CardinalityStats.Entry("up", 1));
            assertThat(stats.seriesCountByLabelName().get(0)).isEqualTo(new CardinalityStats.Entry("__name__", 6));
            assertThat(stats.seriesCountByLabelValuePair()).contains(new CardinalityStats.Entry("code=200", 3));
            assertThat(stats.labelValueCountByLabelName()).containsExactly(new CardinalityStats.Entry("i", 5),
                    new CardinalityStats.Entry("__name__", 2));
        }
    }

    @Test
    void fsyncAlwaysAcknowledgesDurablyAndReplaysAfterAnUncleanStop() {
        Labels m = series("m");
        EngineConfig cfg = config(dir).fsync(FsyncPolicy.parse("always")).build();
        TsdbEngine crashed = TsdbEngine.open(cfg); // never closed: its head is lost, only the log remains
        crashed.append(T, List.of(ts(m, new long[] { T0, T0 + 1 }, new double[] { STALE, -0.0 })));
        try (TsdbEngine e = TsdbEngine.open(cfg)) {
            assertThat(all(e, T)).containsExactly(ts(m, new long[] { T0, T0 + 1 }, new double[] { STALE, -0.0 }));
        }
    }

    @Test
    void statusReportsIngestionSeriesPartsAndLogSize() {
        try (TsdbEngine e = TsdbEngine.open(config(dir).build())) {
            e.append(T, List.of(ts(series("m"), new long[] { T0, T0 + 1 }, new double[] { 1, 2 })));
            EngineStatus s = e.status();
            assertThat(s.rowsIngested()).isEqualTo(2);
            assertThat(s.activeSeries()).isEqualTo(1);
            assertThat(s.headSamples()).isEqualTo(2);
            assertThat(s.walSizeBytes()).isPositive();
            e.flush();
            assertThat(e.status().headSamples()).isZero();
            assertThat(e.status().parts()).isEqualTo(1);
            assertThat(e.status().diskUsageBytes()).isPositive();
        }
    }
}
