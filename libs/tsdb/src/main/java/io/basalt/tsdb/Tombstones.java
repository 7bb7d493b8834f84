package io.basalt.tsdb;

import io.basalt.model.LabelEncoding;
import io.basalt.model.TenantId;
import io.basalt.tsdb.codec.BytesIn;
import io.basalt.tsdb.codec.BytesOut;
import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.index.SeriesKey;
import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * The {@code tombstones} file: series deleted while parts written before the delete may still hold them (FORMAT.md,
 * "Tombstones"). A delete records its series here before it touches anything, so a part rewrite that fails, or a
 * crash before the rewrites are done, cannot bring them back: on open, every part no newer than the delete hides
 * them again. Cleared once no part holds a deleted series any more.
 */
final class Tombstones {

    private static final int MAGIC_V1 = 0x31535442; // "BTS1" little-endian

    private static final int MAGIC = 0x32535442; // "BTS2": each entry also names the log segment of its delete

    private final Path file;

    /** Deleted series and the highest part sequence written before their delete; guarded by {@code this}. */
    private final Map<SeriesKey, Long> upToSeq = new HashMap<>();

    /**
     * Deleted series and the write-ahead log segment that was current at their delete: samples replayed from that
     * segment or an earlier one were logged before the delete. Guarded by {@code this}.
     */
    private final Map<SeriesKey, Long> upToSegment = new HashMap<>();

    private Tombstones(Path file) {
        this.file = file;
    }

    /**
     * @throws CorruptDataException when the file fails its checksum: opening on without it would let deleted series
     *         reappear, so the operator decides (delete the file to accept that)
     */
    static Tombstones load(Path file) {
        Tombstones t = new Tombstones(file);
        if (!Files.exists(file)) {
            return t;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (bytes.length < 8 || crc(bytes, bytes.length - 4) != new BytesIn(bytes, bytes.length - 4, 4).readInt()) {
            throw new CorruptDataException(file + " is damaged (checksum mismatch); it lists deleted series that "
                    + "parts may still hold: restore it from a backup, or delete it to let those series reappear");
        }
        BytesIn in = new BytesIn(bytes, 0, bytes.length - 4);
        int magic = in.readInt();
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new CorruptDataException(file + " is not a tombstones file of version 1 or 2");
        }
        int n = in.readCount(in.remaining());
        for (int i = 0; i < n; i++) {
            long seq = in.readLong();
            long segment = magic == MAGIC ? in.readLong() : 0;
            TenantId tenant = new TenantId(in.readInt(), in.readInt());
            byte[] labels = in.readBytes(in.readCount(in.remaining()));
            SeriesKey key = new SeriesKey(tenant, LabelEncoding.decode(labels, 0, labels.length));
            t.upToSeq.merge(key, seq, Math::max);
            t.upToSegment.merge(key, segment, Math::max);
        }
        return t;
    }

    /**
     * Records, durably, that {@code keys} are deleted from every part with sequence up to {@code seq} and from what
     * the write-ahead log holds up to segment {@code logSegment}.
     */
    synchronized void record(Collection<SeriesKey> keys, long seq, long logSegment) {
        for (SeriesKey k : keys) {
            upToSeq.merge(k, seq, Math::max);
            upToSegment.merge(k, logSegment, Math::max);
        }
        write();
    }

    /** Whether samples of {@code key} replayed from log segment {@code segment} were logged before its delete. */
    synchronized boolean deletedInLog(SeriesKey key, long segment) {
        Long upTo = upToSegment.get(key);
        return upTo != null && segment <= upTo;
    }

    /** Whether the log still holds segments a delete covers: until it does not, the file must stay for replay. */
    synchronized boolean coversLogAfter(long retiredThroughSegment) {
        for (long segment : upToSegment.values()) {
            if (segment > retiredThroughSegment) {
                return true;
            }
        }
        return false;
    }

    /** Hides in {@code part} the series deleted after it was written. */
    synchronized void applyTo(Part part, SeriesRegistry registry) {
        if (upToSeq.isEmpty()) {
            return;
        }
        RoaringBitmap deleted = new RoaringBitmap();
        for (int id : part.ids()) {
            Long seq = upToSeq.get(registry.keyOf(id));
            if (seq != null && part.maxSeq() <= seq) {
                deleted.add(id);
            }
        }
        part.hide(deleted);
    }

    /** The highest sequence a delete covered: parts written from now on must be numbered above it. */
    synchronized long maxSeq() {
        return upToSeq.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    synchronized boolean isEmpty() {
        return upToSeq.isEmpty();
    }

    /** Forgets every deleted series: no part holds one any more. */
    synchronized void clear() {
        if (upToSeq.isEmpty()) {
            return;
        }
        upToSeq.clear();
        upToSegment.clear();
        try {
            Files.deleteIfExists(file);
            Directories.fsync(file.getParent());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    private void write() {
        BytesOut out = new BytesOut();
        out.writeInt(MAGIC).writeUVarint(upToSeq.size());
        for (var e : upToSeq.entrySet()) {
            byte[] labels = LabelEncoding.encode(e.getKey().labels());
            out.writeLong(e.getValue())
                .writeLong(upToSegment.getOrDefault(e.getKey(), 0L))
                .writeInt(e.getKey().tenant().accountId())
                .writeInt(e.getKey().tenant().projectId())
                .writeUVarint(labels.length)
                .writeBytes(labels);
        }
        out.writeInt(crc(out.array(), out.size()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(out.array(), 0, out.size());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(file.getParent());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot record deleted series in " + file, e);
        }
    }

    private static int crc(byte[] b, int len) {
        CRC32C c = new CRC32C();
        c.update(b, 0, len);
        return (int) c.getValue();
    }
}
