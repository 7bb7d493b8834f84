package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskGuardTest {

    @TempDir
    Path data;

    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE);

    private volatile boolean probeFails;

    private DiskGuard guard(Duration checkInterval) {
        FreeSpaceProbe probe = path -> {
            if (probeFails) {
                throw new IOException("simulated statfs failure");
            }
            return free.get();
        };
        return new DiskGuard(EngineConfig.builder(data).minFreeDiskSpaceBytes(1000).freeSpaceProbe(probe)
            .freeSpaceCheckInterval(checkInterval).build());
    }

    @Test
    void belowTheFloorAppendsAreRefusedWithTheReasonAndAboveItTheyAreAcceptedAgain() {
        DiskGuard guard = guard(Duration.ZERO);
        guard.checkWritable();

        free.set(999);
        assertThatThrownBy(guard::checkWritable).isInstanceOf(ReadOnlyException.class)
            .hasMessage("storage is read-only: 999 bytes free at " + data + ", below minFreeDiskSpaceBytes=1000");
        assertThat(guard.isReadOnly()).isTrue();

        free.set(1000);
        guard.checkWritable();
        assertThat(guard.isReadOnly()).isFalse();
        assertThat(guard.readOnlyReason()).isNull();
    }

    @Test
    void theAppendPathMeasuresAtMostOncePerIntervalWhileMaintenanceMeasuresEveryTime() {
        DiskGuard guard = guard(Duration.ofHours(1));
        guard.checkWritable(); // first measurement

        free.set(0);
        guard.checkWritable(); // not due yet
        assertThat(guard.isReadOnly()).isFalse();

        guard.refresh();
        assertThat(guard.isReadOnly()).isTrue();
    }

    @Test
    void aProbeThatFailsLeavesTheStateAsItWas() {
        DiskGuard guard = guard(Duration.ZERO);
        free.set(0);
        guard.refresh();

        probeFails = true;
        free.set(Long.MAX_VALUE);
        guard.refresh();

        assertThat(guard.isReadOnly()).isTrue();
    }
}
