package io.basalt.tsdb;

import static io.basalt.tsdb.TsdbEngineTest.T;
import static io.basalt.tsdb.TsdbEngineTest.T0;
import static io.basalt.tsdb.TsdbEngineTest.all;
import static io.basalt.tsdb.TsdbEngineTest.series;
import static io.basalt.tsdb.TsdbEngineTest.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete_series whose part rewrite fails must not let the series come back: not at once, not after a merge, not
 * after a restart (issue 14). The rewrite is made to fail by putting a plain file where the engine builds parts
 * ({@code tmp/}); the node runs as root in CI, so permissions cannot be used.
 */
class DeleteSurvivesFailedRewriteTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 3_600_000));

    final Labels a = series("m", "k", "a");

    final Labels b = series("m", "k", "b");

    final TimeSeries bSample = ts(b, new long[] { T0 }, new double[] { 2 });

    EngineConfig config() {
        return EngineConfig.builder(dir).backgroundTasks(false).clock(clock).minFreeDiskSpaceBytes(0).build();
    }

    @Test
    void onceADeleteIsAnsweredTheSeriesStaysDeletedAfterRestartEvenIfItsPartCouldNotBeRewritten()
            throws IOException {
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), bSample));
            e.flush();
            breakPartBuilding();
            try {
                e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            }
            catch (RuntimeException refused) {
                // an error is an honest answer; what matters is what the sender's retry is told
            }
            e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a"))); // the retry succeeds
            assertThat(all(e, T)).containsExactly(bSample);
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(bSample);
            assertThat(e.series(T, List.of(LabelMatcher.equal("k", "a")), Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();
            assertThat(dir.resolve("tombstones")).as("rewritten on open, so nothing left to hide").doesNotExist();
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(bSample);
        }
    }

    @Test
    void aSnapshotTakenBeforeTheRewriteRestoresWithTheSeriesStillDeleted(@TempDir Path restored) throws IOException {
        Path snapshot;
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), bSample));
            e.flush();
            breakPartBuilding();
            e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            repairPartBuilding();
            snapshot = e.snapshotPath(e.snapshotCreate());
        }
        Path target = restored.resolve("data");
        TsdbEngine.restoreSnapshot(snapshot, target);
        try (TsdbEngine e = TsdbEngine.open(EngineConfig.builder(target).backgroundTasks(false).clock(clock)
            .minFreeDiskSpaceBytes(0).build())) {
            assertThat(all(e, T)).containsExactly(bSample);
        }
    }

    @Test
    void seriesWrittenAfreshAfterTheDeleteSurvivesMergesAndRestartsWhileTheOldPartIsNotRewritten()
            throws IOException {
        TimeSeries fresh = ts(a, new long[] { T0 + 5 }, new double[] { 5 });
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0, T0 + 5 }, new double[] { 1, 1 }), bSample));
            e.flush();
            breakPartBuilding();
            e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            assertThat(e.status().backgroundFailuresTotal()).as("the failed rewrite is counted").isPositive();
            repairPartBuilding();
            e.append(T, List.of(fresh));
            e.flush();
            e.forceMerge();
            assertThat(all(e, T, LabelMatcher.equal("k", "a"))).containsExactly(fresh);
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(fresh, bSample);
        }
    }

    @Test
    void samplesWrittenAfterTheDeleteAndOnlyInTheWriteAheadLogAreNotHiddenByItsTombstone() throws IOException {
        TimeSeries fresh = ts(a, new long[] { T0 + 9 }, new double[] { 9 });
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), bSample));
            e.flush();
            breakPartBuilding();
            e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            e.append(T, List.of(fresh)); // the flush on close fails too: only the log holds it
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(fresh, bSample);
            e.flush();
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(fresh, bSample);
        }
    }

    @Test
    void aSeriesDeletedWhileItsSamplesCouldNotBeFlushedIsNotWrittenByALaterFlush() throws IOException {
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), bSample)); // in the head only
            breakPartBuilding();
            try {
                e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            }
            catch (RuntimeException refused) {
                // the delete's flush failed: its samples stay in the head until a flush succeeds
            }
            repairPartBuilding();
            e.flush();
            assertThat(all(e, T)).containsExactly(bSample);
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(bSample);
        }
    }

    @Test
    void aRestartBeforeAnyFlushSucceededDoesNotReplayTheDeletedSeriesFromTheLog() throws IOException {
        try (TsdbEngine e = TsdbEngine.open(config())) {
            e.append(T, List.of(ts(a, new long[] { T0 }, new double[] { 1 }), bSample)); // logged, in the head only
            breakPartBuilding();
            try {
                e.deleteSeries(T, List.of(LabelMatcher.equal("k", "a")));
            }
            catch (RuntimeException refused) {
                // the delete's flush failed, and so does the final flush on close: the log keeps every sample
            }
        }
        repairPartBuilding();
        TimeSeries aAgain = ts(a, new long[] { T0 + 1000 }, new double[] { 3 });
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactly(bSample);
            e.append(T, List.of(aAgain)); // written after the delete: kept
        }
        try (TsdbEngine e = TsdbEngine.open(config())) {
            assertThat(all(e, T)).containsExactlyInAnyOrder(bSample, aAgain);
            assertThat(dir.resolve("tombstones")).as("forgotten once the log no longer holds the delete")
                .doesNotExist();
        }
    }

    private void breakPartBuilding() throws IOException {
        TsdbEngine.deleteRecursively(dir.resolve("tmp"));
        Files.writeString(dir.resolve("tmp"), "not a directory");
    }

    private void repairPartBuilding() throws IOException {
        Files.delete(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("tmp"));
    }
}
