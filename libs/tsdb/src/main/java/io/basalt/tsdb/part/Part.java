package io.basalt.tsdb.part;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.tsdb.codec.BytesIn;
import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.codec.TimestampCodec;
import io.basalt.tsdb.codec.ValueCodec;
import io.basalt.tsdb.codec.ZstdStage;
import io.basalt.tsdb.index.SeriesKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * An open, immutable part: its footer and tables are checksummed when opened, each block when it is read (so every
 * byte is verified before use without reading a whole store at start-up).
 * Blocks are read with positional reads rather than a mapping so that the file's disk space is given back
 * deterministically: holders {@link #retain} and {@link #release} it, and the last release closes the file (a
 * mapping would pin a merged-away file's space until the garbage collector happened to unmap it).
 *
 * <p>The channel is shared by every reader, and an interrupt reaching one of them inside channel I/O closes it for
 * all. So a read sets its thread's interrupt flag aside, and a reader that still finds the channel closed reopens
 * it: the file never changes, so a read can simply be repeated (unlike a write-ahead log append).
 */
public final class Part {

    private static final int TRAILER = 12;

    /** Interrupts come one at a time; a reader that keeps losing its channel is being interrupted on purpose. */
    private static final int MAX_READ_ATTEMPTS = 8;

    private final Path file;

    private final long sizeBytes;

    /** Replaced only by {@link #reopen}, after an interrupt closed it under a reader. */
    private volatile FileChannel data;

    /** One reference for the partition that lists this part, plus one per search or merge reading it. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private final long minSeq;

    private final long maxSeq;

    private final long rows;

    private final long minTs;

    private final long maxTs;

    /** Engine series id per local ordinal (parts are sorted by series key, ids are arbitrary). */
    private final int[] ids;

    /** (id << 32 | ordinal), sorted, to find a series by id. */
    private final long[] byId;

    private final int[] firstBlock;

    private final int[] blockRows;

    private final long[] blockMinTs;

    private final long[] blockMaxTs;

    private final long[] tsOffset;

    private final int[] tsLen;

    private final long[] valOffset;

    private final int[] valLen;

    private final int[] blockCrc;

    /**
     * Series deleted while this part still holds them (until a rewrite drops them): reads, merges and indexing skip
     * them. Replaced as a whole, never changed in place, so a reader sees one state.
     */
    private volatile RoaringBitmap hidden = new RoaringBitmap();

    private Part(Path file, long sizeBytes, FileChannel data, long[] footer, int[] ids, int[] firstBlock,
            int[] blockRows, long[] blockMinTs, long[] blockMaxTs, long[] tsOffset, int[] tsLen, long[] valOffset,
            int[] valLen, int[] blockCrc) {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.data = data;
        this.rows = footer[12];
        this.minTs = footer[13];
        this.maxTs = footer[14];
        this.minSeq = footer[15];
        this.maxSeq = footer[16];
        this.ids = ids;
        this.firstBlock = firstBlock;
        this.blockRows = blockRows;
        this.blockMinTs = blockMinTs;
        this.blockMaxTs = blockMaxTs;
        this.tsOffset = tsOffset;
        this.tsLen = tsLen;
        this.valOffset = valOffset;
        this.valLen = valLen;
        this.blockCrc = blockCrc;
        this.byId = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            byId[i] = ((long) ids[i] << 32) | i;
        }
        Arrays.sort(byId);
    }

    /**
     * Maps and verifies {@code file}, resolving each stored series to an engine id.
     *
     * @throws CorruptDataException when any checksum or structure check fails
     */
    public static Part open(Path file, ToIntFunction<SeriesKey> resolver) {
        FileChannel data;
        long size;
        try {
            data = FileChannel.open(file, StandardOpenOption.READ);
            size = data.size();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open part " + file, e);
        }
        boolean ok = false;
        try {
            if (size > Integer.MAX_VALUE) {
                throw new CorruptDataException("part " + file + " is larger than 2 GiB");
            }
            Part part = parse(file, size, data, resolver);
            ok = true;
            return part;
        }
        catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new CorruptDataException("part " + file + " is malformed: " + e, e);
        }
        finally {
            if (!ok) {
                closeQuietly(data);
            }
        }
    }

    private static Part parse(Path file, long size, FileChannel data, ToIntFunction<SeriesKey> resolver) {
        int n = (int) size;
        if (n < PartWriter.HEADER_SIZE + TRAILER) {
            throw new CorruptDataException("part " + file + " is truncated (" + n + " bytes)");
        }
        byte[] trailer = bytes(data, n - TRAILER, TRAILER);
        if (!Arrays.equals(Arrays.copyOfRange(trailer, 8, 12), PartWriter.TRAILER_MAGIC)) {
            throw new CorruptDataException("part " + file + " has no trailer magic");
        }
        BytesIn t = new BytesIn(trailer);
        int footerLen = t.readInt();
        int footerCrc = t.readInt();
        int footerStart = n - TRAILER - footerLen;
        if (footerLen < 1 || footerStart < PartWriter.HEADER_SIZE) {
            throw new CorruptDataException("part " + file + " has a bad footer length " + footerLen);
        }
        byte[] footerBytes = bytes(data, footerStart, footerLen);
        CRC32C c = new CRC32C();
        c.update(footerBytes);
        if ((int) c.getValue() != footerCrc) {
            throw new CorruptDataException("part " + file + " footer checksum mismatch");
        }
        BytesIn f = new BytesIn(footerBytes);
        if (f.readByte() != PartWriter.VERSION) {
            throw new CorruptDataException("part " + file + " has an unknown format version");
        }
        long[] footer = new long[17];
        for (int i = 0; i < footer.length; i++) {
            footer[i] = f.readLong();
        }
        f.readInt(); // whole-body CRC, for offline verification; opening must not read every byte of a big store
        int tablesCrc = f.readInt();
        byte[] header = bytes(data, 0, PartWriter.HEADER_SIZE);
        if (!Arrays.equals(Arrays.copyOf(header, 8), PartWriter.MAGIC) || header[8] != PartWriter.VERSION) {
            throw new CorruptDataException("part " + file + " has a bad header");
        }
        int seriesCount = Math.toIntExact(footer[10]);
        int blockCount = Math.toIntExact(footer[11]);
        byte[] seriesStored = bytes(data, footer[4], Math.toIntExact(footer[5]));
        byte[] blocksStored = bytes(data, footer[7], Math.toIntExact(footer[8]));
        if (PartWriter.tablesCrc(seriesStored, blocksStored) != tablesCrc) {
            throw new CorruptDataException("part " + file + " series or block table checksum mismatch");
        }
        BytesIn series = table(seriesStored, footer[5], footer[6]);
        BytesIn blocks = table(blocksStored, footer[8], footer[9]);
        int[] ids = new int[seriesCount];
        int[] firstBlock = new int[seriesCount + 1];
        for (int s = 0; s < seriesCount; s++) {
            TenantId tenant = new TenantId(series.readInt(), series.readInt());
            int labelCount = series.readCount(1 << 16);
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < labelCount; i++) {
                b.add(series.readString(), series.readString());
            }
            ids[s] = resolver.applyAsInt(new SeriesKey(tenant, b.build()));
            firstBlock[s + 1] = firstBlock[s] + series.readCount(blockCount);
        }
        if (firstBlock[seriesCount] != blockCount) {
            throw new CorruptDataException("part " + file + " series table does not cover its blocks");
        }
        int[] rows = new int[blockCount];
        long[] minTs = new long[blockCount];
        long[] maxTs = new long[blockCount];
        long[] tsOff = new long[blockCount];
        int[] tsLen = new int[blockCount];
        long[] valOff = new long[blockCount];
        int[] valLen = new int[blockCount];
        int[] crc = new int[blockCount];
        long tsPos = footer[0];
        long valPos = footer[2];
        for (int i = 0; i < blockCount; i++) {
            rows[i] = blocks.readCount(PartWriter.MAX_BLOCK_ROWS);
            minTs[i] = blocks.readVarint();
            maxTs[i] = minTs[i] + blocks.readUVarint();
            tsLen[i] = blocks.readCount(Integer.MAX_VALUE);
            valLen[i] = blocks.readCount(Integer.MAX_VALUE);
            crc[i] = blocks.readInt();
            tsOff[i] = tsPos;
            valOff[i] = valPos;
            tsPos += tsLen[i];
            valPos += valLen[i];
        }
        if (tsPos != footer[0] + footer[1] || valPos != footer[2] + footer[3]) {
            throw new CorruptDataException("part " + file + " block table does not cover its columns");
        }
        return new Part(file, size, data, footer, ids, firstBlock, rows, minTs, maxTs, tsOff, tsLen, valOff, valLen,
                crc);
    }

    private static BytesIn table(byte[] stored, long len, long rawLen) {
        if (len == rawLen) {
            return new BytesIn(stored);
        }
        return new BytesIn(ZstdStage.decompress(stored, 0, stored.length, Math.toIntExact(rawLen)));
    }

    private static byte[] bytes(FileChannel data, long off, int len) {
        ByteBuffer buf = ByteBuffer.allocate(len);
        try {
            while (buf.hasRemaining()) {
                if (data.read(buf, off + buf.position()) < 0) {
                    throw new CorruptDataException("unexpected end of part file at " + (off + buf.position()));
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read part file", e);
        }
        return buf.array();
    }

    private byte[] bytes(long off, int len) {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1;; attempt++) {
                FileChannel ch = data;
                try {
                    return bytes(ch, off, len);
                }
                catch (UncheckedIOException e) {
                    if (!(e.getCause() instanceof ClosedChannelException) || attempt == MAX_READ_ATTEMPTS) {
                        throw e;
                    }
                    // The interrupt that closed it is the caller's, but must not close the new one at once.
                    interrupted |= Thread.interrupted();
                    reopen(ch);
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Readers hold a reference, so the part is not retired meanwhile; a merged-away file may be gone, though. */
    private synchronized void reopen(FileChannel closed) {
        if (data == closed) {
            try {
                data = FileChannel.open(file, StandardOpenOption.READ);
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot reopen part " + file + " after an interrupted read", e);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        }
        catch (IOException e) {
            // nothing left to release
        }
    }

    /** Takes a reference for reading; false when the part was already retired and closed. */
    public boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the file. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            synchronized (this) {
                closeQuietly(data);
            }
        }
    }

    public Path file() {
        return file;
    }

    public String name() {
        return file.getFileName().toString();
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long minSeq() {
        return minSeq;
    }

    public long maxSeq() {
        return maxSeq;
    }

    public long rows() {
        return rows;
    }

    public long minTime() {
        return minTs;
    }

    public long maxTime() {
        return maxTs;
    }

    public int seriesCount() {
        return ids.length;
    }

    /** Engine ids of the stored series that are not {@linkplain #hide hidden}, in storage order. */
    public int[] ids() {
        RoaringBitmap h = hidden;
        if (h.isEmpty()) {
            return ids;
        }
        return Arrays.stream(ids).filter(id -> !h.contains(id)).toArray();
    }

    /**
     * Makes the stored series among {@code deleted} invisible from now on, as if the part did not hold them; the part
     * file is unchanged until it is rewritten without them.
     */
    public synchronized void hide(RoaringBitmap deleted) {
        RoaringBitmap mine = new RoaringBitmap();
        for (int id : ids) {
            if (deleted.contains(id)) {
                mine.add(id);
            }
        }
        if (!mine.isEmpty()) {
            mine.or(hidden);
            hidden = mine;
        }
    }

    /** The series {@link #hide} made invisible; empty for a part with nothing to drop. */
    public RoaringBitmap hidden() {
        return hidden.clone();
    }

    /** Whether the part still holds deleted series and needs a rewrite. */
    public boolean hidesSeries() {
        return !hidden.isEmpty();
    }

    /** Receives, per stored series, the time span of each of its blocks. */
    @FunctionalInterface
    public interface BlockSpanConsumer {
        void accept(int id, long minTime, long maxTime);
    }

    public void forEachBlockSpan(BlockSpanConsumer consumer) {
        RoaringBitmap h = hidden;
        for (int s = 0; s < ids.length; s++) {
            if (h.contains(ids[s])) {
                continue;
            }
            for (int b = firstBlock[s]; b < firstBlock[s + 1]; b++) {
                consumer.accept(ids[s], blockMinTs[b], blockMaxTs[b]);
            }
        }
    }

    public boolean contains(int id) {
        return ordinalOf(id) >= 0 && !hidden.contains(id);
    }

    private int ordinalOf(int id) {
        int lo = 0;
        int hi = byId.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int midId = (int) (byId[mid] >>> 32);
            if (midId < id) {
                lo = mid + 1;
            }
            else if (midId > id) {
                hi = mid - 1;
            }
            else {
                return (int) byId[mid];
            }
        }
        return -1;
    }

    /**
     * Samples of series {@code id} within {@code [minTime, maxTime]}; empty when the part lacks it.
     *
     * @throws CorruptDataException when a block fails its checksum
     */
    public SampleRun read(int id, long minTime, long maxTime) {
        int ordinal = ordinalOf(id);
        if (ordinal < 0 || maxTime < minTs || minTime > maxTs || hidden.contains(id)) {
            return SampleRun.EMPTY;
        }
        int from = firstBlock[ordinal];
        int to = firstBlock[ordinal + 1];
        int total = 0;
        for (int b = from; b < to; b++) {
            if (blockMaxTs[b] >= minTime && blockMinTs[b] <= maxTime) {
                total += blockRows[b];
            }
        }
        if (total == 0) {
            return SampleRun.EMPTY;
        }
        long[] ts = new long[total];
        double[] vs = new double[total];
        int n = 0;
        for (int b = from; b < to; b++) {
            if (blockMaxTs[b] < minTime || blockMinTs[b] > maxTime) {
                continue;
            }
            byte[] tsBytes = bytes(tsOffset[b], tsLen[b]);
            byte[] valBytes = bytes(valOffset[b], valLen[b]);
            CRC32C crc = new CRC32C();
            crc.update(tsBytes);
            crc.update(valBytes);
            if ((int) crc.getValue() != blockCrc[b]) {
                throw new CorruptDataException("part " + file + " block " + b + " checksum mismatch");
            }
            System.arraycopy(TimestampCodec.decode(tsBytes, blockRows[b]), 0, ts, n, blockRows[b]);
            System.arraycopy(ValueCodec.decode(valBytes, blockRows[b]), 0, vs, n, blockRows[b]);
            n += blockRows[b];
        }
        return new SampleRun(ts, vs, n).window(minTime, maxTime);
    }
}
