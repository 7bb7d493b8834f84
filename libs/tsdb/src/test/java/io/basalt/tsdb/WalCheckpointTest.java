package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCheckpointTest {

    @TempDir
    Path wal;

    @Test
    void aWrittenCheckpointIsReadBackAndAMissingOrUnreadableOneMeansReplayEverything() throws IOException {
        WalCheckpoint checkpoint = new WalCheckpoint(wal);
        assertThat(checkpoint.read()).isZero();

        checkpoint.write(42);
        assertThat(checkpoint.read()).isEqualTo(42);
        assertThat(Files.readString(wal.resolve("flushed"))).isEqualTo("42\n");
        assertThat(wal.resolve("flushed.tmp")).doesNotExist();

        Files.writeString(wal.resolve("flushed"), "not a number");
        assertThat(checkpoint.read()).isZero();
    }

    @Test
    void onlySegmentsAtOrBelowTheCheckpointAreDeleted() throws IOException {
        for (String name : new String[] { "0000000000000001.wal", "0000000000000002.wal", "0000000000000003.wal",
                "flushed", "notes.txt" }) {
            Files.writeString(wal.resolve(name), "x");
        }

        new WalCheckpoint(wal).deleteCoveredSegments(2);

        try (Stream<Path> left = Files.list(wal)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("0000000000000003.wal", "flushed", "notes.txt");
        }
    }
}
