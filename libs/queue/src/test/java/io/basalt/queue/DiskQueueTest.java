package io.basalt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {

    private static final Duration NO_WAIT = Duration.ZERO;

    @TempDir
    Path dir;

    @Test
    void blocksComeOutInOrderAndAckedOnesAreGone() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            q.append(bytes("a"), 1);
            q.append(bytes("b"), 2);

            DiskQueue.Block a = q.take(NO_WAIT);
            DiskQueue.Block b = q.take(NO_WAIT);
            assertThat(text(a)).isEqualTo("a");
            assertThat(b.samples()).isEqualTo(2);
            assertThat(q.take(NO_WAIT)).isNull();
            assertThat(q.pendingBlocks()).isEqualTo(2);

            q.ack(a);
            q.ack(b);
            assertThat(q.pendingBlocks()).isZero();
        }
    }

    @Test
    void aRestartResendsEveryBlockNotAckedBeforeTheLastSync() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                q.append(bytes("block-" + i), 10);
            }
            q.ack(q.take(NO_WAIT));
            q.ack(q.take(NO_WAIT));
            q.take(NO_WAIT); // taken, never acked: the sender died mid-request
        }
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            assertThat(drain(q)).containsExactly("block-2", "block-3", "block-4");
        }
    }

    @Test
    void dataWrittenAfterAFullyDrainedRestartSurvivesTheNextRestart() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            q.append(bytes("old"), 1);
            q.ack(q.take(NO_WAIT));
        }
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            assertThat(q.take(NO_WAIT)).isNull();
            q.append(bytes("new"), 1);
        }
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            assertThat(drain(q)).containsExactly("new");
        }
    }

    @Test
    void fullySentSegmentsAreDeleted() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            byte[] big = new byte[40_000];
            for (int i = 0; i < 10; i++) {
                q.append(big, 1);
            }
            assertThat(segmentFiles()).hasSizeGreaterThan(2);
            DiskQueue.Block b;
            while ((b = q.take(NO_WAIT)) != null) {
                q.ack(b);
            }
            assertThat(segmentFiles()).hasSize(1);
            assertThat(q.sizeBytes()).isLessThan(2 * 40_000);
        }
    }

    @Test
    void pastTheBoundTheOldestDataIsDroppedAndCounted() throws Exception {
        long bound = 512 * 1024;
        try (DiskQueue q = DiskQueue.open(dir, bound)) {
            byte[] block = new byte[10_000];
            for (int i = 0; i < 200; i++) {
                block[0] = (byte) i;
                q.append(block, 7);
            }
            assertThat(q.sizeBytes()).isLessThanOrEqualTo(bound);
            assertThat(q.droppedBlocks()).isGreaterThan(0);
            assertThat(q.droppedSamples()).isEqualTo(7 * q.droppedBlocks());
            List<Integer> firstBytes = new ArrayList<>();
            DiskQueue.Block b;
            while ((b = q.take(NO_WAIT)) != null) {
                firstBytes.add((int) b.payload()[0] & 0xFF);
                q.ack(b);
            }
            assertThat(firstBytes).last().isEqualTo(199);
            assertThat(firstBytes.size() + q.droppedBlocks()).isEqualTo(200);
        }
    }

    @Test
    void aTornTailIsCutOffAndTheRestSurvives() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            q.append(bytes("kept"), 1);
            q.append(bytes("torn"), 1);
        }
        Path segment = segmentFiles().get(0);
        long size = Files.size(segment);
        try (var ch = Files.newByteChannel(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 2);
        }
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            assertThat(drain(q)).containsExactly("kept");
            assertThat(q.corruptBytes()).isPositive();
        }
    }

    @Test
    void aWaitingReaderWakesWhenABlockArrives() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1 << 20)) {
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(50);
                }
                catch (InterruptedException e) {
                    return;
                }
                q.append(bytes("late"), 1);
            });
            writer.start();
            DiskQueue.Block b = q.take(Duration.ofSeconds(10));
            writer.join();
            assertThat(text(b)).isEqualTo("late");
        }
    }

    private List<String> drain(DiskQueue q) throws InterruptedException {
        List<String> out = new ArrayList<>();
        DiskQueue.Block b;
        while ((b = q.take(NO_WAIT)) != null) {
            out.add(text(b));
            q.ack(b);
        }
        return out;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg") && size(p) > 0).sorted().toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        }
        catch (IOException e) {
            return 0;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(DiskQueue.Block b) {
        return new String(b.payload(), StandardCharsets.UTF_8);
    }
}
