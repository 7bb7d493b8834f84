package io.basalt.queue;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * A bounded, persistent FIFO of opaque blocks (remote-write request bodies), so that neither an outage of the
 * receiver nor a restart of the agent loses accepted samples.
 *
 * <p>Blocks are appended to segment files named by a sequence number. Each block is
 * {@code [length u32][samples u32][created-millis i64][crc32c u32][payload]}, the checksum covering samples,
 * created-millis and payload; a torn or corrupt tail found on open is cut off. Readers take blocks in order and ack
 * them when sent; a segment is deleted once it is sealed, read and every block of it acked. The position of the
 * oldest unacked block is written to {@code checkpoint} at each {@link #sync()}, so a restart resends at most the
 * blocks acked since the last sync. When the queue would exceed its byte bound, whole segments are dropped oldest
 * first, and their unsent blocks and samples are counted.
 */
public final class DiskQueue implements Closeable {

    static final int HEADER_BYTES = 20;

    private static final String SUFFIX = ".seg";

    private final Path dir;

    private final long maxBytes;

    private final long segmentBytes;

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition readable = lock.newCondition();

    private final TreeMap<Long, Segment> segments = new TreeMap<>();

    /** Blocks handed to readers and not yet acked, oldest first. */
    private final Deque<Block> inFlight = new ArrayDeque<>();

    private long readSegment;

    private long readOffset;

    private long totalBytes;

    private long droppedBlocks;

    private long droppedSamples;

    private long droppedBytes;

    private long corruptBytes;

    private boolean closed;

    /**
     * One block taken from the queue.
     *
     * @param samples the sample count the writer recorded, for accounting
     */
    public record Block(long segment, long offset, long createdMillis, int samples, byte[] payload) {

        long end() {
            return offset + HEADER_BYTES + payload.length;
        }
    }

    private static final class Segment {

        final long id;

        final Path path;

        final FileChannel channel;

        long size;

        int blocks;

        int blocksRead;

        long samples;

        long samplesRead;

        int unacked;

        boolean sealed;

        Segment(long id, Path path, FileChannel channel) {
            this.id = id;
            this.path = path;
            this.channel = channel;
        }
    }

    private DiskQueue(Path dir, long maxBytes, long segmentBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens (or creates) the queue in {@code dir}, recovering what an earlier run left there.
     *
     * @param maxBytes the most bytes the segment files may hold together
     */
    public static DiskQueue open(Path dir, long maxBytes) {
        long segmentBytes = Math.max(64 * 1024, Math.min(64L << 20, maxBytes / 8));
        DiskQueue q = new DiskQueue(dir, maxBytes, segmentBytes);
        try {
            Files.createDirectories(dir);
            q.recover();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open queue in " + dir, e);
        }
        return q;
    }

    private void recover() throws IOException {
        long[] checkpoint = readCheckpoint();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                long id;
                try {
                    id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                }
                catch (NumberFormatException e) {
                    continue;
                }
                if (checkpoint != null && id < checkpoint[0]) {
                    Files.deleteIfExists(p);
                    continue;
                }
                segments.put(id, new Segment(id, p, FileChannel.open(p, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)));
            }
        }
        for (Segment s : segments.values()) {
            scan(s);
            s.sealed = true;
            totalBytes += s.size;
        }
        // Never reuse a number at or below the checkpoint's: the next open would take it for sent data.
        long nextId = Math.max(segments.isEmpty() ? 0 : segments.lastKey() + 1,
                checkpoint == null ? 0 : checkpoint[0] + 1);
        if (segments.isEmpty()) {
            readSegment = nextId;
            readOffset = 0;
        }
        else {
            readSegment = segments.firstKey();
            readOffset = 0;
            if (checkpoint != null && checkpoint[0] == readSegment) {
                skipTo(segments.firstEntry().getValue(), checkpoint[1]);
            }
        }
        newSegment(nextId);
        writeCheckpoint(readSegment, readOffset);
    }

    /** Counts the valid blocks of a segment and cuts off a torn or corrupt tail. */
    private void scan(Segment s) throws IOException {
        long fileSize = s.channel.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (pos + HEADER_BYTES <= fileSize) {
            header.clear();
            readFully(s.channel, header, pos);
            header.flip();
            int length = header.getInt();
            int samples = header.getInt();
            long created = header.getLong();
            int crc = header.getInt();
            if (length < 0 || pos + HEADER_BYTES + length > fileSize) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(s.channel, payload, pos + HEADER_BYTES);
            if (checksum(samples, created, payload.array()) != crc) {
                break;
            }
            pos += HEADER_BYTES + length;
            s.blocks++;
            s.samples += samples;
        }
        if (pos < fileSize) {
            corruptBytes += fileSize - pos;
            s.channel.truncate(pos);
        }
        s.size = pos;
    }

    /** Marks the blocks before {@code offset} as already sent, as recorded by the checkpoint. */
    private void skipTo(Segment s, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (readOffset < offset && readOffset < s.size) {
            header.clear();
            readFully(s.channel, header, readOffset);
            header.flip();
            int length = header.getInt();
            int samples = header.getInt();
            readOffset += HEADER_BYTES + length;
            s.blocksRead++;
            s.samplesRead += samples;
        }
    }

    private Segment newSegment(long id) throws IOException {
        Path p = dir.resolve(String.format("%020d%s", id, SUFFIX));
        Segment s = new Segment(id, p, FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        s.size = s.channel.size();
        segments.put(id, s);
        return s;
    }

    /** Appends a block; when the bound would be passed, the oldest segments are dropped first. */
    public void append(byte[] payload, int samples) {
        append(payload, samples, System.currentTimeMillis());
    }

    void append(byte[] payload, int samples, long createdMillis) {
        int blockBytes = HEADER_BYTES + payload.length;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("queue closed");
            }
            Segment active = segments.lastEntry().getValue();
            if (active.size > 0 && active.size + blockBytes > segmentBytes) {
                active.channel.force(false);
                active.sealed = true;
                active = newSegment(active.id + 1);
            }
            while (totalBytes + blockBytes > maxBytes && segments.size() > 1) {
                dropOldest();
            }
            ByteBuffer buf = ByteBuffer.allocate(blockBytes);
            buf.putInt(payload.length).putInt(samples).putLong(createdMillis)
                    .putInt(checksum(samples, createdMillis, payload)).put(payload).flip();
            long pos = active.size;
            while (buf.hasRemaining()) {
                pos += active.channel.write(buf, pos);
            }
            active.size += blockBytes;
            active.blocks++;
            active.samples += samples;
            totalBytes += blockBytes;
            readable.signalAll();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot append to queue in " + dir, e);
        }
        finally {
            lock.unlock();
        }
    }

    private void dropOldest() throws IOException {
        Segment oldest = segments.pollFirstEntry().getValue();
        droppedBlocks += oldest.blocks - oldest.blocksRead;
        droppedSamples += oldest.samples - oldest.samplesRead;
        droppedBytes += oldest.id == readSegment ? oldest.size - readOffset : oldest.id > readSegment ? oldest.size : 0;
        totalBytes -= oldest.size;
        inFlight.removeIf(b -> b.segment() == oldest.id);
        if (readSegment <= oldest.id) {
            readSegment = segments.firstKey();
            readOffset = 0;
        }
        oldest.channel.close();
        Files.deleteIfExists(oldest.path);
    }

    /**
     * The next unsent block, waiting up to {@code wait} for one; {@code null} when none arrived or the queue closed.
     * The block stays on disk until {@link #ack} is called for it.
     */
    public Block take(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (!closed) {
                Segment s = segments.get(readSegment);
                if (s != null && readOffset < s.size) {
                    Block b = read(s, readOffset);
                    readOffset = b.end();
                    s.blocksRead++;
                    s.samplesRead += b.samples();
                    s.unacked++;
                    inFlight.addLast(b);
                    return b;
                }
                if (s != null && s.sealed) {
                    Map.Entry<Long, Segment> next = segments.higherEntry(readSegment);
                    if (next != null) {
                        readSegment = next.getKey();
                        readOffset = 0;
                        deleteIfDone(s);
                        continue;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                readable.awaitNanos(left);
            }
            return null;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read queue in " + dir, e);
        }
        finally {
            lock.unlock();
        }
    }

    private Block read(Segment s, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(s.channel, header, offset);
        header.flip();
        int length = header.getInt();
        int samples = header.getInt();
        long created = header.getLong();
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(s.channel, payload, offset + HEADER_BYTES);
        return new Block(s.id, offset, created, samples, payload.array());
    }

    /** Records that {@code block} was delivered (or deliberately given up on), so its space can be freed. */
    public void ack(Block block) {
        lock.lock();
        try {
            if (!inFlight.remove(block)) {
                return;
            }
            Segment s = segments.get(block.segment());
            if (s != null) {
                s.unacked--;
                deleteIfDone(s);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete a sent segment in " + dir, e);
        }
        finally {
            lock.unlock();
        }
    }

    private void deleteIfDone(Segment s) throws IOException {
        if (s.sealed && s.unacked == 0 && s.id < readSegment) {
            segments.remove(s.id);
            totalBytes -= s.size;
            s.channel.close();
            Files.deleteIfExists(s.path);
        }
    }

    /** Forces appended blocks to disk and records the resend point. */
    public void sync() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            segments.lastEntry().getValue().channel.force(false);
            long segment = inFlight.isEmpty() ? readSegment : inFlight.peekFirst().segment();
            long offset = inFlight.isEmpty() ? readOffset : inFlight.peekFirst().offset();
            writeCheckpoint(segment, offset);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot sync queue in " + dir, e);
        }
        finally {
            lock.unlock();
        }
    }

    private void writeCheckpoint(long segment, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(20);
        buf.putLong(segment).putLong(offset);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 16);
        buf.putInt((int) crc.getValue());
        Path tmp = dir.resolve("checkpoint.tmp");
        Files.write(tmp, buf.array());
        Files.move(tmp, dir.resolve("checkpoint"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private long[] readCheckpoint() throws IOException {
        Path p = dir.resolve("checkpoint");
        if (!Files.exists(p)) {
            return null;
        }
        byte[] b = Files.readAllBytes(p);
        if (b.length != 20) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        long segment = buf.getLong();
        long offset = buf.getLong();
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 16);
        return buf.getInt() == (int) crc.getValue() ? new long[] { segment, offset } : null;
    }

    /** Bytes of blocks not yet acked (approximately: whole segments count until deleted). */
    public long sizeBytes() {
        lock.lock();
        try {
            return totalBytes;
        }
        finally {
            lock.unlock();
        }
    }

    /** Blocks appended and not yet handed to a reader. */
    public long unreadBlocks() {
        lock.lock();
        try {
            long n = 0;
            for (Segment s : segments.values()) {
                n += s.blocks - s.blocksRead;
            }
            return n;
        }
        finally {
            lock.unlock();
        }
    }

    /** Blocks appended and not yet acked. */
    public long pendingBlocks() {
        lock.lock();
        try {
            return unreadBlocks() + inFlight.size();
        }
        finally {
            lock.unlock();
        }
    }

    /** When the oldest unacked block was appended, or 0 when the queue is empty. */
    public long oldestPendingMillis() {
        lock.lock();
        try {
            if (!inFlight.isEmpty()) {
                return inFlight.peekFirst().createdMillis();
            }
            Segment s = segments.get(readSegment);
            if (s == null || readOffset >= s.size) {
                Map.Entry<Long, Segment> next = segments.higherEntry(readSegment);
                if (next == null || next.getValue().size == 0) {
                    return 0;
                }
                s = next.getValue();
                return read(s, 0).createdMillis();
            }
            return read(s, readOffset).createdMillis();
        }
        catch (IOException e) {
            return 0;
        }
        finally {
            lock.unlock();
        }
    }

    public long droppedBlocks() {
        return locked(() -> droppedBlocks);
    }

    public long droppedSamples() {
        return locked(() -> droppedSamples);
    }

    public long droppedBytes() {
        return locked(() -> droppedBytes);
    }

    /** Bytes cut from torn or corrupt segment tails when the queue was opened. */
    public long corruptBytes() {
        return locked(() -> corruptBytes);
    }

    private long locked(java.util.function.LongSupplier s) {
        lock.lock();
        try {
            return s.getAsLong();
        }
        finally {
            lock.unlock();
        }
    }

    /** Syncs and closes; readers waiting in {@link #take} return {@code null}. */
    @Override
    public void close() {
        sync();
        lock.lock();
        try {
            closed = true;
            readable.signalAll();
            for (Segment s : segments.values()) {
                s.channel.close();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finally {
            lock.unlock();
        }
    }

    private static int checksum(int samples, long created, byte[] payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer head = ByteBuffer.allocate(12).putInt(samples).putLong(created);
        crc.update(head.array());
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of segment");
            }
            pos += n;
        }
    }
}
