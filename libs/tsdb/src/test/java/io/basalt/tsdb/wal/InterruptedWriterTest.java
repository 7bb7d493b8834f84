package io.basalt.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.EngineConfig;
import io.basalt.tsdb.FsyncPolicy;
import io.basalt.tsdb.TsdbEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever thread calls the log may have its interrupt flag set (a web framework cancelling a request does that).
 * Such a call must still log its batch, keep the flag for its caller, and leave the log working for everyone after;
 * so must a rotation that fails.
 */
class InterruptedWriterTest {

    private static final Labels M = Labels.of("__name__", "m");

    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void appendsSyncsAndRotationsOnAnInterruptedThreadAreLoggedAndTheLogKeepsWorking(boolean syncEveryAppend) {
        WriteAheadLog wal = WriteAheadLog.open(dir, syncEveryAppend, 1 << 20, 0, (t, l, ts, vs) -> { });
        Thread.currentThread().interrupt();
        wal.append(List.of(entry(0, 1)));
        wal.sync();
        wal.rotate();
        wal.append(List.of(entry(1, 2)));
        assertThat(Thread.interrupted()).as("the caller's interrupt is kept for it").isTrue();
        wal.append(List.of(entry(2, 3)));
        wal.close();

        assertThat(replay()).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void aRotationThatFailsLeavesTheCurrentSegmentOpenForAppends() throws IOException {
        WriteAheadLog wal = WriteAheadLog.open(dir, true, 1 << 20, 0, (t, l, ts, vs) -> { });
        wal.append(List.of(entry(0, 1)));
        Path next = dir.resolve(String.format("%016d.wal", 2));
        Files.createFile(next);

        assertThatThrownBy(wal::rotate).isInstanceOf(UncheckedIOException.class);
        wal.append(List.of(entry(1, 2)));
        Files.delete(next);
        wal.rotate();
        wal.append(List.of(entry(2, 3)));
        wal.close();

        assertThat(replay()).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void anEngineAppendOnAnInterruptedThreadIsStoredAndLaterAppendsWork() {
        EngineConfig config = EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0)
            .fsync(FsyncPolicy.ALWAYS).build();
        TsdbEngine engine = TsdbEngine.open(config);
        Thread.currentThread().interrupt();
        engine.append(TenantId.DEFAULT, List.of(TimeSeries.single(M, T0, 1)));
        assertThat(Thread.interrupted()).isTrue();
        engine.append(TenantId.DEFAULT, List.of(TimeSeries.single(M, T0 + 1, 2)));

        // No close(): what a crash now leaves in the log is what counts.
        try (TsdbEngine reopened = TsdbEngine.open(config)) {
            List<TimeSeries> found = new ArrayList<>();
            reopened.search(TenantId.DEFAULT, List.of(), T0 - 1, T0 + 2, found::add);
            assertThat(found).containsExactly(new TimeSeries(M, new long[] { T0, T0 + 1 }, new double[] { 1, 2 }));
        }
    }

    private List<Double> replay() {
        List<Double> replayed = new ArrayList<>();
        WriteAheadLog.open(dir, false, 1 << 20, 0, (t, l, ts, vs) -> {
            for (double v : vs) {
                replayed.add(v);
            }
        }).close();
        return replayed;
    }

    private static WalEntry entry(long offset, double value) {
        return new WalEntry(0, TenantId.DEFAULT, M, new long[] { T0 + offset }, new double[] { value }, 0, 1);
    }
}
