package io.basalt.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The {@code wal/flushed} file: the highest write-ahead log segment whose samples are all in parts (ASCII decimal).
 */
final class WalCheckpoint {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private final Path walDir;

    WalCheckpoint(Path walDir) {
        this.walDir = walDir;
    }

    /** The checkpointed segment seq, or 0 (replay everything) when there is none or it cannot be read. */
    long read() {
        Path f = walDir.resolve("flushed");
        try {
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
        }
        catch (IOException | NumberFormatException e) {
            LOG.log(Level.WARNING, "ignoring unreadable write-ahead log checkpoint " + f + "; replaying all", e);
            return 0;
        }
    }

    /** Records that segments up to {@code seq} are in parts, so a crash before their deletion skips them on replay. */
    void write(long seq) {
        Path tmp = walDir.resolve("flushed.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, walDir.resolve("flushed"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(walDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write write-ahead log checkpoint", e);
        }
    }

    /** Deletes log segments already covered by checkpoint {@code seq}, before replay. */
    void deleteCoveredSegments(long seq) throws IOException {
        try (Stream<Path> s = Files.list(walDir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("\\d{16}\\.wal") && Long.parseLong(n.substring(0, 16)) <= seq) {
                    Files.delete(p);
                }
            }
        }
    }
}
