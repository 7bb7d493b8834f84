package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotsTest {

    @TempDir
    Path data;

    private Snapshots snapshots() throws IOException {
        Files.createDirectories(data.resolve("snapshots"));
        Files.createDirectories(data.resolve("tmp"));
        return new Snapshots(data.resolve("snapshots"), data.resolve("tmp"),
                Clock.fixed(Instant.parse("2026-11-24T06:01:02Z"), ZoneOffset.UTC));
    }

    @Test
    void aSnapshotIsNamedByItsUtcTimeAndListedDeletedAndRestoredWithTheLayoutOfADataPath(@TempDir Path target)
            throws IOException {
        Snapshots snapshots = snapshots();

        String name = snapshots.create(List.of(), target.resolve("no-tombstones"));

        assertThat(name).matches("20261124060102-[0-9a-f]{8}");
        assertThat(snapshots.list()).containsExactly(name);
        assertThat(snapshots.path(name).resolve("partitions")).isDirectory();
        assertThat(data.resolve("tmp")).isEmptyDirectory();

        Path restoreTo = target.resolve("data");
        Snapshots.restore(snapshots.path(name), restoreTo);
        assertThat(restoreTo.resolve("partitions")).isDirectory();

        assertThat(snapshots.delete(name)).isTrue();
        assertThat(snapshots.delete(name)).isFalse();
        assertThat(snapshots.list()).isEmpty();
    }

    @Test
    void namesThatAreNotSnapshotNamesReachNoPath() throws IOException {
        Snapshots snapshots = snapshots();
        Files.createDirectories(data.resolve("snapshots").resolve("not-a-snapshot"));

        assertThat(snapshots.list()).isEmpty();
        assertThatThrownBy(() -> snapshots.path("../wal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> snapshots.delete("20261124060102-1a2b3c4d/..")).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void restoreRefusesATargetThatIsNotEmpty(@TempDir Path target) throws IOException {
        Files.writeString(target.resolve("leftover.wal"), "x");

        assertThatThrownBy(() -> Snapshots.restore(data, target)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not empty");
    }
}
