package io.basalt.insert.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintLogTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void recordsComeBackInOrderAndOnceDeliveredAreGoneAfterAReopen() throws IOException {
        try (HintLog log = HintLog.open(dir, MIB, 64)) {
            for (int i = 0; i < 5; i++) {
                log.append(bytes("block-" + i), 1000 + i);
            }
            assertThat(log.pendingRecords()).isEqualTo(5);
            assertThat(log.oldestPendingMillis()).isEqualTo(1000);
            deliver(log, 2);
            assertThat(log.oldestPendingMillis()).isEqualTo(1002);
        }
        try (HintLog log = HintLog.open(dir, MIB, 64)) {
            assertThat(log.pendingRecords()).isEqualTo(3);
            assertThat(deliver(log, 3)).containsExactly("block-2", "block-3", "block-4");
            assertThat(log.next()).isNull();
            assertThat(log.pendingBytes()).isZero();
            assertThat(log.oldestPendingMillis()).isZero();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".hint")).count())
                .as("delivered segments are deleted; only the one being written stays").isEqualTo(1);
        }
    }

    @Test
    void aTornTailIsCutAndTheRecordsBeforeItSurvive() throws IOException {
        try (HintLog log = HintLog.open(dir, MIB, MIB)) {
            log.append(bytes("kept"), 1);
            log.append(bytes("torn"), 2);
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(f -> f.toString().endsWith(".hint")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 2);
        }
        try (HintLog log = HintLog.open(dir, MIB, MIB)) {
            assertThat(log.cutBytes()).isPositive();
            assertThat(log.pendingRecords()).isEqualTo(1);
            log.append(bytes("after"), 3);
            assertThat(deliver(log, 2)).containsExactly("kept", "after");
        }
    }

    @Test
    void aRecordLeftHalfWrittenInAnOlderSegmentIsSkippedNotDeliveredNorBlocking() throws IOException {
        Path first;
        try (HintLog log = HintLog.open(dir, MIB, 40)) {
            log.append(bytes("first"), 1);
            try (Stream<Path> files = Files.list(dir)) {
                first = files.filter(f -> f.toString().endsWith(".hint")).findFirst().orElseThrow();
            }
            log.append(bytes("second-rolls-over"), 2);
        }
        // What a failed write whose truncation also failed leaves behind: garbage after the last good record.
        Files.write(first, new byte[] { 9, 0, 0, 0, 1, 2, 3 }, StandardOpenOption.APPEND);
        try (HintLog log = HintLog.open(dir, MIB, 40)) {
            assertThat(deliver(log, 2)).containsExactly("first", "second-rolls-over");
            assertThat(log.next()).isNull();
        }
    }

    @Test
    void aFullLogRefusesTheRecordAndKeepsTheOthers() throws IOException {
        try (HintLog log = HintLog.open(dir, 100, MIB)) {
            log.append(new byte[50], 1);
            assertThatThrownBy(() -> log.append(new byte[50], 2)).isInstanceOf(HintLog.FullException.class)
                .hasMessageContaining("at most 100");
            assertThat(log.pendingRecords()).isEqualTo(1);
            deliver(log, 1);
            log.append(new byte[50], 3);
            assertThat(log.pendingRecords()).as("delivery frees room").isEqualTo(1);
        }
    }

    private static List<String> deliver(HintLog log, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HintLog.Hint h = log.next();
            assertThat(h).as("record %d of %d", i, n).isNotNull();
            out.add(new String(h.payload(), StandardCharsets.UTF_8));
            log.delivered(h);
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
