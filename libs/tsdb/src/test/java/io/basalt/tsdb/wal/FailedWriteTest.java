package io.basalt.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A write that fails part-way (disk full, EIO) may leave a torn record. Replay stops reading a segment there, so the
 * appends acknowledged after the failure must not land behind it.
 */
class FailedWriteTest {

    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    Path dir;

    /** Fails the write after the next {@code skip} ones, having written {@code torn} of its bytes. */
    private int skip = -1;

    private int torn;

    @ParameterizedTest(name = "syncEveryAppend={0}, failing write={1}, torn bytes={2}")
    @CsvSource({ "true, 0, 0", "true, 0, 6", "true, 1, 11", "false, 0, 6", "false, 1, 3", "false, 1, 0" })
    void appendsAfterATornWriteAreReplayed(boolean syncEveryAppend, int skipWrites, int tornBytes) {
        WriteAheadLog wal = WriteAheadLog.open(dir, syncEveryAppend, 1 << 20, 0, (t, l, ts, vs) -> { },
                this::failingOnce);
        wal.append(List.of(entry(0, 0, 1)));
        skip = skipWrites;
        torn = tornBytes;
        // A new series, so the append writes a SERIES record and then a SAMPLES record.
        assertThatThrownBy(() -> wal.append(List.of(entry(1, 1, 2)))).isInstanceOf(UncheckedIOException.class);
        wal.append(List.of(entry(0, 2, 3)));
        wal.append(List.of(entry(1, 3, 4)));
        // No close(): a crash now keeps what the appends wrote.

        List<Double> replayed = new ArrayList<>();
        WriteAheadLog reopened = replayInto(replayed);
        assertThat(replayed).containsExactly(1.0, 3.0, 4.0);
        reopened.close();
    }

    @Test
    void aTornTailOfOneSegmentDoesNotStopReplayOfTheNext() throws IOException {
        WriteAheadLog wal = WriteAheadLog.open(dir, true, 1 << 20, 0, (t, l, ts, vs) -> { });
        wal.append(List.of(entry(0, 0, 1)));
        long first = wal.rotate();
        wal.append(List.of(entry(0, 1, 2)));
        wal.append(List.of(entry(1, 2, 3)));
        wal.close();
        Files.write(dir.resolve(String.format("%016d.wal", first)), new byte[] { 40, 0, 0, 0, 1, 2, 3, 4, 2, 9 },
                StandardOpenOption.APPEND);

        List<Double> replayed = new ArrayList<>();
        WriteAheadLog reopened = replayInto(replayed);
        assertThat(replayed).containsExactly(1.0, 2.0, 3.0);
        assertThat(reopened.corruptionsTotal()).isEqualTo(1);
        reopened.close();
    }

    private WriteAheadLog replayInto(List<Double> replayed) {
        return WriteAheadLog.open(dir, false, 1 << 20, 0, (t, l, ts, vs) -> {
            for (double v : vs) {
                replayed.add(v);
            }
        });
    }

    private OutputStream failingOnce(OutputStream file) {
        return new FilterOutputStream(file) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (skip == 0) {
                    skip = -1;
                    out.write(b, off, Math.min(torn, len));
                    throw new IOException("No space left on device");
                }
                if (skip > 0) {
                    skip--;
                }
                out.write(b, off, len);
            }
        };
    }

    private static WalEntry entry(int seriesId, long offset, double value) {
        return new WalEntry(seriesId, TenantId.DEFAULT, Labels.of("__name__", "m" + seriesId),
                new long[] { T0 + offset }, new double[] { value }, 0, 1);
    }
}
