package io.basalt.tsdb.wal;

import io.basalt.model.LabelEncoding;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.tsdb.codec.BytesIn;
import io.basalt.tsdb.codec.BytesOut;
import io.basalt.tsdb.codec.CorruptDataException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Segmented write-ahead log (format in FORMAT.md). {@link #append} writes a batch with one {@code write()} before it
 * returns, which is what survives {@code kill -9}; with {@code syncEveryAppend} it also forces the file, grouping
 * concurrent callers into one fsync. Segments are dropped once the engine has flushed everything they hold.
 *
 * <p>Segments are written through {@link FileOutputStream}, not a {@code FileChannel}: an interrupt that reaches a
 * thread in (or entering) channel I/O closes the channel for every thread, and reopening is no cure because the
 * interrupted write may have left a torn record that later appends would bury mid-segment. Stream writes and
 * {@link java.io.FileDescriptor#sync} ignore interrupts, so a caller's interrupt stays the caller's business: its
 * batch is written like any other, and its interrupt flag is left as it was.
 *
 * <p>A segment on which a write or an fsync failed is damaged: it may end in a torn record, and replay stops reading a
 * segment at its first bad record, so nothing is appended behind it; the next append starts a new segment first.
 */
public final class WriteAheadLog implements AutoCloseable {

    static final byte[] MAGIC = { 'B', 'W', 'A', 'L' };

    static final int VERSION = 1;

    static final int HEADER_SIZE = 13;

    static final int TYPE_SERIES = 1;

    static final int TYPE_SAMPLES = 2;

    static final int MAX_RECORD = 1 << 28;

    private static final System.Logger LOG = System.getLogger(WriteAheadLog.class.getName());

    /** Receives replayed samples in log order. */
    public interface ReplaySink {
        void accept(TenantId tenant, Labels labels, long[] timestamps, double[] values);

        /** Called before the records of each segment, with its sequence number. */
        default void segment(long seq) {
        }
    }

    private final Path dir;

    private final boolean syncEveryAppend;

    private final long segmentMaxBytes;

    private final AtomicLong corruptions = new AtomicLong();

    private final Object writeLock = new Object();

    private final Object syncLock = new Object();

    /** Lets tests make segment writes fail part-way, as a full or failing disk does. */
    private final UnaryOperator<OutputStream> segmentWrites;

    private Segment segment;

    private long segmentSeq;

    private BitSet declared = new BitSet();

    private volatile boolean closed;

    private WriteAheadLog(Path dir, boolean syncEveryAppend, long segmentMaxBytes,
            UnaryOperator<OutputStream> segmentWrites) {
        this.dir = dir;
        this.syncEveryAppend = syncEveryAppend;
        this.segmentMaxBytes = segmentMaxBytes;
        this.segmentWrites = segmentWrites;
    }

    /**
     * Replays every segment in {@code dir} into {@code sink}, cutting off torn or corrupt tails, then opens a new
     * segment numbered above both the existing ones and {@code lastRetiredSeq} (segments already flushed and gone).
     */
    public static WriteAheadLog open(Path dir, boolean syncEveryAppend, long segmentMaxBytes, long lastRetiredSeq,
            ReplaySink sink) {
        return open(dir, syncEveryAppend, segmentMaxBytes, lastRetiredSeq, sink, UnaryOperator.identity());
    }

    static WriteAheadLog open(Path dir, boolean syncEveryAppend, long segmentMaxBytes, long lastRetiredSeq,
            ReplaySink sink, UnaryOperator<OutputStream> segmentWrites) {
        WriteAheadLog wal = new WriteAheadLog(dir, syncEveryAppend, segmentMaxBytes, segmentWrites);
        try {
            Files.createDirectories(dir);
            long last = lastRetiredSeq;
            for (Path segment : segments(dir)) {
                last = Math.max(last, seqOf(segment));
                sink.segment(seqOf(segment));
                wal.replaySegment(segment, sink);
            }
            wal.startSegment(last + 1);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open write-ahead log in " + dir, e);
        }
        return wal;
    }

    /** Torn or corrupt records cut off during replay, over this instance's life. */
    public long corruptionsTotal() {
        return corruptions.get();
    }

    public long sizeBytes() {
        long total = 0;
        try {
            for (Path p : segments(dir)) {
                total += Files.size(p);
            }
        }
        catch (IOException | UncheckedIOException e) {
            return total; // a segment deleted while we list is not an error worth reporting
        }
        return total;
    }

    /** Logs the entries; returns once their bytes are written (and forced, with {@code syncEveryAppend}). */
    public void append(List<WalEntry> entries) {
        append(entries, (id, out) -> false);
    }

    /** Where the log finds the label bytes of a series it declares: bytes the engine already holds. */
    @FunctionalInterface
    public interface LabelBytes {

        /**
         * Appends the canonical label bytes ({@link LabelEncoding}) of {@code seriesId} to {@code out}; false when
         * there are none, and the log encodes the entry's labels instead.
         */
        boolean writeTo(int seriesId, BytesOut out);
    }

    /** Logs the entries, declaring each series not yet declared in this segment with its label bytes. */
    public void append(List<WalEntry> entries, LabelBytes labelBytes) {
        BytesOut samples = samplesRecord(entries);
        Segment target;
        long end;
        synchronized (writeLock) {
            ensureOpen();
            if (segment.damaged) {
                rotateLocked();
            }
            BytesOut series = null;
            for (WalEntry e : entries) {
                if (!declared.get(e.seriesId())) {
                    series = series == null ? new BytesOut(256) : series;
                    appendRecord(series, seriesPayload(e, labelBytes));
                    declared.set(e.seriesId());
                }
            }
            if (series != null) {
                write(series.array(), series.size());
            }
            write(samples.array(), samples.size());
            target = segment;
            end = target.size;
            if (target.size >= segmentMaxBytes) {
                rotateLocked();
            }
        }
        if (syncEveryAppend) {
            syncTo(target, end);
        }
    }

    /** The sequence number of the segment appends go to now. */
    public long currentSegment() {
        synchronized (writeLock) {
            return segmentSeq;
        }
    }

    /** Forces everything written so far; the interval policy calls this from a timer. */
    public void sync() {
        Segment s;
        synchronized (writeLock) {
            s = segment;
        }
        syncTo(s, s.size);
    }

    /** Starts a new segment and returns the sequence number of the one it closed. */
    public long rotate() {
        synchronized (writeLock) {
            ensureOpen();
            return rotateLocked();
        }
    }

    /** Deletes segments up to and including {@code seq}: their samples are durable elsewhere. */
    public void deleteUpTo(long seq) {
        try {
            for (Path p : segments(dir)) {
                if (seqOf(p) <= seq) {
                    Files.deleteIfExists(p);
                }
            }
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete flushed write-ahead log segments in " + dir, e);
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                segment.sync();
                segment.close();
            }
            catch (IOException e) {
                LOG.log(Level.WARNING, "closing write-ahead log", e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("write-ahead log is closed");
        }
    }

    /**
     * After a failed fsync the kernel may already have dropped the unforced pages and a retry can report success
     * without having written them, so a damaged segment confirms nothing beyond what an earlier fsync covered.
     */
    private void syncTo(Segment s, long target) {
        synchronized (syncLock) {
            if (s.synced >= target || closed) {
                return;
            }
            if (s.damaged) {
                throw new UncheckedIOException(new IOException(
                        "an earlier write or fsync of this write-ahead log segment failed; its data is not durable"));
            }
            if (s.retired) {
                return; // the rotation that closed it forced it first
            }
            long upTo = s.size;
            IOException failure = null;
            try {
                s.sync();
            }
            catch (IOException e) {
                failure = e;
                if (!s.retired) {
                    s.damaged = true;
                }
                // Otherwise a concurrent rotation closed it, having forced it first unless that failed too.
            }
            if (s.damaged) {
                throw new UncheckedIOException("cannot fsync write-ahead log",
                        failure != null ? failure : new IOException("a concurrent fsync of the segment failed"));
            }
            s.synced = Math.max(s.synced, upTo);
        }
    }

    /**
     * The old segment stays the one appended to until its successor is ready, so a failed rotation changes nothing.
     * A failed fsync of the old segment does not stop the rotation: the segment is marked damaged (appends waiting on
     * it fail) and the log moves on, so that neither appends nor flushes stay stuck behind it.
     */
    private long rotateLocked() {
        Segment old = segment;
        long closedSeq = segmentSeq;
        try {
            old.sync();
        }
        catch (IOException e) {
            old.damaged = true;
            LOG.log(Level.WARNING, "cannot fsync write-ahead log segment " + closedSeq + "; retiring it", e);
        }
        try {
            startSegment(segmentSeq + 1);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot rotate write-ahead log", e);
        }
        old.retired = true;
        try {
            old.close();
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "closing write-ahead log segment " + closedSeq + " (already forced)", e);
        }
        return closedSeq;
    }

    private void startSegment(long seq) throws IOException {
        Path p = dir.resolve(String.format("%016d.wal", seq));
        Segment s = Segment.create(p, segmentWrites);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC).put((byte) VERSION).putLong(seq);
            s.out.write(header.array());
            s.size = HEADER_SIZE;
            s.sync();
            syncDirectory(dir);
        }
        catch (IOException | RuntimeException e) {
            try {
                s.close();
            }
            finally {
                // Left behind, it would make the next attempt's CREATE_NEW fail for good.
                Files.deleteIfExists(p);
            }
            throw e;
        }
        segment = s;
        segmentSeq = seq;
        declared = new BitSet();
    }

    /**
     * A directory can only be forced through a channel, so the caller's interrupt flag is set aside meanwhile. An
     * interrupt arriving during the force still closes this private channel, which fails only this rotation.
     */
    private static void syncDirectory(Path dir) throws IOException {
        boolean interrupted = Thread.interrupted();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(byte[] bytes, int len) {
        try {
            segment.out.write(bytes, 0, len);
        }
        catch (IOException e) {
            // Part of the bytes may be in the file; the next append starts a new segment rather than write behind them.
            segment.damaged = true;
            throw new UncheckedIOException("cannot write to write-ahead log", e);
        }
        segment.size += len;
    }

    /** The label section is {@link io.basalt.model.LabelEncoding}'s canonical form, so known bytes are copied. */
    private static byte[] seriesPayload(WalEntry e, LabelBytes labelBytes) {
        BytesOut p = new BytesOut(160);
        p.writeByte(TYPE_SERIES).writeUVarint(e.seriesId()).writeInt(e.tenant().accountId())
            .writeInt(e.tenant().projectId());
        if (!labelBytes.writeTo(e.seriesId(), p)) {
            p.writeBytes(LabelEncoding.encode(e.labels()));
        }
        return p.toArray();
    }

    private static BytesOut samplesRecord(List<WalEntry> entries) {
        int estimate = 16;
        for (WalEntry e : entries) {
            estimate += 8 + e.length() * 12;
        }
        // The record header (length, checksum) is filled in once the payload is written: one buffer, no copies.
        BytesOut p = new BytesOut(estimate);
        p.writeInt(0).writeInt(0);
        p.writeByte(TYPE_SAMPLES).writeUVarint(entries.size());
        for (WalEntry e : entries) {
            p.writeUVarint(e.seriesId()).writeUVarint(e.length());
            long prev = 0;
            for (int i = e.offset(); i < e.offset() + e.length(); i++) {
                p.writeVarint(e.timestamps()[i] - prev);
                prev = e.timestamps()[i];
            }
            for (int i = e.offset(); i < e.offset() + e.length(); i++) {
                p.writeLong(Double.doubleToRawLongBits(e.values()[i]));
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(p.array(), 8, p.size() - 8);
        p.putInt(0, p.size() - 8);
        p.putInt(4, (int) crc.getValue());
        return p;
    }

    private static void appendRecord(BytesOut out, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        out.writeInt(payload.length).writeInt((int) crc.getValue()).writeBytes(payload);
    }

    private void replaySegment(Path segment, ReplaySink sink) throws IOException {
        byte[] data = Files.readAllBytes(segment);
        if (data.length < HEADER_SIZE || !java.util.Arrays.equals(java.util.Arrays.copyOf(data, 4), MAGIC)
                || data[4] != VERSION) {
            corruptions.incrementAndGet();
            LOG.log(Level.WARNING, "write-ahead log segment " + segment + " has no valid header ("
                    + data.length + " bytes); deleting it");
            Files.delete(segment);
            return;
        }
        Map<Long, Object[]> series = new HashMap<>();
        int pos = HEADER_SIZE;
        int records = 0;
        while (pos < data.length) {
            int good = pos;
            try {
                BytesIn head = new BytesIn(data, pos, data.length - pos);
                int len = head.readInt();
                int crc = head.readInt();
                if (len <= 0 || len > MAX_RECORD || len > head.remaining()) {
                    throw new CorruptDataException("record length " + len + " does not fit the segment");
                }
                CRC32C c = new CRC32C();
                c.update(data, head.position(), len);
                if ((int) c.getValue() != crc) {
                    throw new CorruptDataException("record checksum mismatch");
                }
                applyRecord(new BytesIn(data, head.position(), len), series, sink);
                pos = head.position() + len;
                records++;
            }
            catch (CorruptDataException e) {
                corruptions.incrementAndGet();
                LOG.log(Level.WARNING, "write-ahead log " + segment + ": " + e.getMessage() + " at offset " + good
                        + " after " + records + " good records; cutting off " + (data.length - good) + " bytes");
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    ch.truncate(good);
                    ch.force(true);
                }
                return;
            }
        }
    }

    private static void applyRecord(BytesIn in, Map<Long, Object[]> series, ReplaySink sink) {
        int type = in.readByte();
        if (type == TYPE_SERIES) {
            long id = in.readUVarint();
            TenantId tenant = new TenantId(in.readInt(), in.readInt());
            int n = in.readCount(1 << 16);
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < n; i++) {
                b.add(in.readString(), in.readString());
            }
            series.put(id, new Object[] { tenant, b.build() });
            return;
        }
        if (type != TYPE_SAMPLES) {
            throw new CorruptDataException("unknown record type " + type);
        }
        int entries = in.readCount(MAX_RECORD);
        List<Object[]> decoded = new ArrayList<>(entries);
        for (int e = 0; e < entries; e++) {
            long id = in.readUVarint();
            int n = in.readCount(MAX_RECORD / 8);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long prev = 0;
            for (int i = 0; i < n; i++) {
                prev += in.readVarint();
                ts[i] = prev;
            }
            for (int i = 0; i < n; i++) {
                vs[i] = Double.longBitsToDouble(in.readLong());
            }
            Object[] def = series.get(id);
            if (def == null) {
                throw new CorruptDataException("samples for undeclared series id " + id);
            }
            decoded.add(new Object[] { def[0], def[1], ts, vs });
        }
        // Apply only after the whole record decoded, so a record is replayed entirely or not at all.
        for (Object[] d : decoded) {
            sink.accept((TenantId) d[0], (Labels) d[1], (long[]) d[2], (double[]) d[3]);
        }
    }

    /** The open segment file. */
    private static final class Segment {

        private final FileOutputStream file;

        final OutputStream out;

        /** Set once a rotation has closed it (forced, unless it is damaged), so a racing sync may fail harmlessly. */
        volatile boolean retired;

        /** A write or fsync on it failed: it takes no more appends and confirms nothing more as forced. */
        volatile boolean damaged;

        /** Bytes in the file as far as completed writes go; written under the log's write lock. */
        volatile long size;

        /** How many of {@link #size} an fsync is known to have forced; guarded by the log's sync lock. */
        long synced;

        private Segment(FileOutputStream file, OutputStream out) {
            this.file = file;
            this.out = out;
        }

        static Segment create(Path p, UnaryOperator<OutputStream> writes) throws IOException {
            Files.createFile(p);
            try {
                FileOutputStream file = new FileOutputStream(p.toFile(), true);
                return new Segment(file, writes.apply(file));
            }
            catch (IOException e) {
                Files.deleteIfExists(p);
                throw e;
            }
        }

        void sync() throws IOException {
            file.getFD().sync();
        }

        void close() throws IOException {
            file.close();
        }
    }

    static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{16}\\.wal")).sorted().toList();
        }
    }

    private static long seqOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - 4));
    }
}
