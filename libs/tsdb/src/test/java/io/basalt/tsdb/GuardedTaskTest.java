package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A background task that fails, with an exception or an error, is counted and runs again: it never stops silently. */
class GuardedTaskTest {

    @TempDir
    Path dir;

    @Test
    void aTaskThatThrowsAnErrorIsCountedAndRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        GuardedTask task = new GuardedTask("test", () -> {
            if (runs.incrementAndGet() <= 2) {
                throw new AssertionError("broken invariant");
            }
        }, failures);

        task.run();
        task.run();
        task.run();

        assertThat(runs).hasValue(3);
        assertThat(failures).hasValue(2);
    }

    @Test
    void theEngineKeepsFlushingAfterItsMaintenanceFailedWithAnError() throws Exception {
        AtomicInteger backgroundProbes = new AtomicInteger();
        // the free-space check runs first in every maintenance round; its first two rounds die of an Error
        FreeSpaceProbe failingTwice = path -> {
            boolean background = Thread.currentThread().getName().startsWith("basalt-tsdb-");
            if (background && backgroundProbes.incrementAndGet() <= 2) {
                throw new LinkageError("simulated failure in a background round");
            }
            return Long.MAX_VALUE;
        };
        EngineConfig config = EngineConfig.builder(dir).minFreeDiskSpaceBytes(0).freeSpaceProbe(failingTwice)
            .freeSpaceCheckInterval(Duration.ofMillis(1)).headFlushInterval(Duration.ofMillis(1)).build();
        try (TsdbEngine e = TsdbEngine.open(config)) {
            e.append(TenantId.DEFAULT, List.of(TimeSeries.single(Labels.of("__name__", "up"),
                    System.currentTimeMillis(), 1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (e.status().flushesTotal() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no flush within 30 s after background failures; status " + e.status());
                }
                Thread.sleep(20);
            }
            assertThat(e.status().backgroundFailuresTotal()).isGreaterThanOrEqualTo(1);
            assertThat(e.status().headSamples()).isZero();
        }
    }
}
