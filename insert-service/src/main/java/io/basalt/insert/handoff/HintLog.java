package io.basalt.insert.handoff;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The rows blocks owed to one storage node, kept on disk until that node has stored them (hinted handoff).
 *
 * <p>Records are appended to segment files named by a sequence number, each {@code [length u32][crc32c u32]
 * [created-millis i64][payload]} with the checksum over created-millis and payload, and forced to the device before
 * {@link #append} returns: a write is acknowledged on the strength of this record, so it must survive a power loss.
 * Delivery reads records in order; the position after the last delivered record is kept in {@code delivered}
 * (replaced atomically, not forced: after a crash some records are delivered again, which storage absorbs because
 * a repeated sample replaces itself). A segment is deleted once every record of it is delivered. A torn or corrupt
 * tail found on open is cut off, and everything after it in that segment with it.
 */
public final class HintLog implements Closeable {

    static final int HEADER_BYTES = 16;

    private static final String SUFFIX = ".hint";

    private static final String CURSOR = "delivered";

    private final Path dir;

    private final long maxBytes;

    private final long segmentBytes;

    /** Segment sequence number to its size in bytes. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();

    private FileChannel writer;

    private long readSegment;

    private long readOffset;

    // Read without the lock by metrics and status, which must not wait behind an fsync.
    private volatile long pendingRecords;

    private volatile long pendingBytes;

    private volatile long oldestPendingMillis;

    private long cutBytes;

    /** One owed rows block, and where the record after it starts. */
    public record Hint(long segment, long nextOffset, long createdMillis, byte[] payload) {
    }

    /** The log holds as many bytes as it may; the caller cannot promise this copy. */
    public static final class FullException extends IOException {

        FullException(String message) {
            super(message);
        }
    }

    private HintLog(Path dir, long maxBytes, long segmentBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
    }

    /** Opens (or creates) the log in {@code dir}, cutting a torn tail and skipping what was already delivered. */
    public static HintLog open(Path dir, long maxBytes, long segmentBytes) throws IOException {
        HintLog log = new HintLog(dir, maxBytes, segmentBytes);
        log.load();
        return log;
    }

    private void load() throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), Files.size(f));
            }
        }
        Path cursor = dir.resolve(CURSOR);
        if (Files.exists(cursor)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(cursor)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() == 16) {
                readSegment = b.getLong();
                readOffset = b.getLong();
            }
        }
        for (Long seq : segments.headMap(readSegment).keySet().toArray(Long[]::new)) {
            Files.deleteIfExists(segment(seq));
            segments.remove(seq);
        }
        if (segments.isEmpty() || segments.firstKey() > readSegment) {
            readOffset = 0;
            readSegment = segments.isEmpty() ? readSegment : segments.firstKey();
        }
        for (var e : segments.entrySet()) {
            long validEnd = scan(e.getKey(), e.getKey() == readSegment ? readOffset : 0);
            if (validEnd < e.getValue()) {
                cutBytes += e.getValue() - validEnd;
                try (FileChannel ch = FileChannel.open(segment(e.getKey()), StandardOpenOption.WRITE)) {
                    ch.truncate(validEnd);
                    ch.force(true);
                }
                e.setValue(validEnd);
            }
        }
        long next = segments.isEmpty() ? readSegment : segments.lastKey();
        openWriter(next);
    }

    /** Counts the intact records of a segment from {@code from}, returning where the intact part ends. */
    private long scan(long seq, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(seq), StandardOpenOption.READ)) {
            long offset = from;
            while (true) {
                Hint h = read(ch, seq, offset);
                if (h == null) {
                    return offset;
                }
                if (pendingRecords++ == 0) {
                    oldestPendingMillis = h.createdMillis();
                }
                pendingBytes += h.nextOffset() - offset;
                offset = h.nextOffset();
            }
        }
    }

    private void openWriter(long seq) throws IOException {
        if (writer != null) {
            writer.close();
        }
        writer = FileChannel.open(segment(seq), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        segments.putIfAbsent(seq, writer.size());
        if (segments.size() == 1) {
            readSegment = seq;
        }
        fsyncDirectory();
    }

    /** Appends a block and forces it to the device; a block it cannot keep is refused, never half kept. */
    public synchronized void append(byte[] payload, long createdMillis) throws IOException {
        long size = HEADER_BYTES + payload.length;
        if (pendingBytes + size > maxBytes) {
            throw new FullException("hint log " + dir + " holds " + pendingBytes + " bytes, at most " + maxBytes);
        }
        if (!writer.isOpen()) {
            openWriter(segments.lastKey() + 1); // an earlier failure could not open the next segment
        }
        long seq = segments.lastKey();
        if (segments.get(seq) > 0 && segments.get(seq) + size > segmentBytes) {
            openWriter(seq + 1);
            seq = seq + 1;
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(payload.length).putInt(0).putLong(createdMillis).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 8, (int) size - 8);
        b.putInt(4, (int) crc.getValue());
        b.flip();
        long before = segments.get(seq);
        try {
            while (b.hasRemaining()) {
                writer.write(b);
            }
            writer.force(false);
        }
        catch (IOException e) {
            // A torn record must not hide the ones after it: cut it off if the device lets us (reading skips what
            // is left of it) and go on in a fresh segment.
            try {
                writer.truncate(before);
            }
            catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            try {
                openWriter(seq + 1);
            }
            catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        segments.put(seq, before + size);
        if (pendingRecords++ == 0) {
            oldestPendingMillis = createdMillis;
        }
        pendingBytes += size;
    }

    /** The oldest record not yet delivered, or null when nothing is owed. */
    public synchronized Hint next() throws IOException {
        while (pendingRecords > 0) {
            Long size = segments.get(readSegment);
            if (size != null && readOffset < size) {
                try (FileChannel ch = FileChannel.open(segment(readSegment), StandardOpenOption.READ)) {
                    Hint h = read(ch, readSegment, readOffset);
                    if (h != null) {
                        return h;
                    }
                    // The rest of this segment is a record whose write failed (never acknowledged): skip it.
                    cutBytes += size - readOffset;
                    segments.put(readSegment, readOffset);
                }
            }
            Long later = segments.higherKey(readSegment);
            if (later == null) {
                return null;
            }
            advanceTo(later, 0);
        }
        return null;
    }

    /** Records that {@code hint}, returned by {@link #next()}, is stored on its node. */
    public synchronized void delivered(Hint hint) throws IOException {
        pendingBytes -= hint.nextOffset() - readOffset;
        pendingRecords--;
        advanceTo(hint.segment(), hint.nextOffset());
        oldestPendingMillis = pendingRecords == 0 ? 0 : createdMillisOfNext();
    }

    private void advanceTo(long seq, long offset) throws IOException {
        for (Long done : segments.headMap(seq).keySet().toArray(Long[]::new)) {
            Files.deleteIfExists(segment(done));
            segments.remove(done);
        }
        readSegment = seq;
        readOffset = offset;
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(seq).putLong(offset);
        Path tmp = dir.resolve(CURSOR + ".tmp");
        Files.write(tmp, b.array());
        Files.move(tmp, dir.resolve(CURSOR), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private long createdMillisOfNext() throws IOException {
        long seq = readSegment;
        long offset = readOffset;
        if (offset >= segments.getOrDefault(seq, 0L)) {
            Long later = segments.higherKey(seq);
            if (later == null) {
                return 0;
            }
            seq = later;
            offset = 0;
        }
        try (FileChannel ch = FileChannel.open(segment(seq), StandardOpenOption.READ)) {
            Hint h = read(ch, seq, offset);
            return h == null ? 0 : h.createdMillis();
        }
    }

    public long pendingRecords() {
        return pendingRecords;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    /** When the oldest undelivered record was written, 0 when nothing is owed. */
    public long oldestPendingMillis() {
        return oldestPendingMillis;
    }

    /** Bytes of torn or corrupt records cut off when the log was opened. */
    public long cutBytes() {
        return cutBytes;
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

    private static Hint read(FileChannel ch, long seq, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (readFully(ch, header, offset) < HEADER_BYTES) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        long created = header.getLong();
        if (length < 0 || offset + HEADER_BYTES + length > ch.size()) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, offset + HEADER_BYTES);
        CRC32C check = new CRC32C();
        check.update(header.array(), 8, 8);
        check.update(payload.array());
        if ((int) check.getValue() != crc) {
            return null;
        }
        return new Hint(seq, offset + HEADER_BYTES + length, created, payload.array());
    }

    private static int readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = ch.read(into, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private Path segment(long seq) {
        return dir.resolve("%020d%s".formatted(seq, SUFFIX));
    }

    private void fsyncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        catch (IOException unsupported) {
            // Some file systems refuse to open a directory for reading; the segment's own force still holds.
        }
    }
}
