package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A part's file channel is shared by every search and merge, and an interrupt reaching one reader inside channel I/O
 * closes it. Neither an interrupted search nor one interrupted mid-read may leave the part unreadable.
 */
class InterruptedReaderTest {

    private static final Labels M = Labels.of("__name__", "m");

    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    Path dir;

    TsdbEngine engine;

    @BeforeEach
    void aFlushedPart() {
        engine = TsdbEngine.open(EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0).build());
        engine.append(TenantId.DEFAULT, List.of(TimeSeries.single(M, T0, 1)));
        engine.flush();
        assertThat(engine.status().parts()).isEqualTo(1);
    }

    @AfterEach
    void close() {
        Thread.interrupted();
        engine.close();
    }

    @Test
    void aSearchOnAnInterruptedThreadReadsThePartKeepsTheFlagAndLeavesThePartReadable() {
        Thread.currentThread().interrupt();
        List<TimeSeries> found = search();
        assertThat(Thread.interrupted()).as("the caller's interrupt is kept for it").isTrue();

        assertThat(found).containsExactly(TimeSeries.single(M, T0, 1));
        assertThat(search()).containsExactly(TimeSeries.single(M, T0, 1));
    }

    @Test
    void searchesInterruptedWhileReadingAllSucceedAndThePartStaysReadable() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < 3_000; i++) {
                    assertThat(search()).hasSize(1);
                    reads.incrementAndGet();
                }
            }
            catch (Throwable e) {
                failure.set(e);
            }
        });
        reader.start();
        while (reader.isAlive()) {
            reader.interrupt();
            LockSupport.parkNanos(20_000);
        }

        assertThat(failure.get()).isNull();
        assertThat(reads).hasValue(3_000);
        assertThat(search()).containsExactly(TimeSeries.single(M, T0, 1));
    }

    private List<TimeSeries> search() {
        List<TimeSeries> found = new ArrayList<>();
        engine.search(TenantId.DEFAULT, List.of(), T0 - 1, T0 + 1, found::add);
        return found;
    }
}
