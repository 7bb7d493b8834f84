package io.basalt.tsdb.part;

import io.basalt.tsdb.codec.BytesOut;
import io.basalt.tsdb.codec.TimestampCodec;
import io.basalt.tsdb.codec.ValueCodec;
import io.basalt.tsdb.codec.ZstdStage;
import io.basalt.tsdb.index.SeriesKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one immutable part file (layout in FORMAT.md): a timestamps column, a values column, then zstd-compressed
 * series and block tables and a checksummed footer. Series must be added in {@link SeriesKey} order.
 */
public final class PartWriter implements AutoCloseable {

    static final byte[] MAGIC = { 'B', 'S', 'L', 'T', 'P', 'A', 'R', 'T' };

    static final byte[] TRAILER_MAGIC = { 'B', 'P', 'T', '1' };

    static final int VERSION = 1;

    static final int HEADER_SIZE = 9;

    /** Rows per block: big blocks halve bytes/sample against Prometheus' 120 while decoding stays cheap. */
    public static final int MAX_BLOCK_ROWS = 8192;

    private final Path file;

    private final long minSeq;

    private final long maxSeq;

    private final FileChannel channel;

    private final CRC32C bodyCrc = new CRC32C();

    private final BytesOut tsBuffer = new BytesOut(1 << 16);

    private final BytesOut values = new BytesOut(1 << 16);

    private final BytesOut seriesTable = new BytesOut(1 << 12);

    private final BytesOut blockTable = new BytesOut(1 << 12);

    private long tsRegionLen;

    private long seriesCount;

    private long blockCount;

    private long rows;

    private long minTs = Long.MAX_VALUE;

    private long maxTs = Long.MIN_VALUE;

    private SeriesKey lastKey;

    public PartWriter(Path file, long minSeq, long maxSeq) {
        this.file = file;
        this.minSeq = minSeq;
        this.maxSeq = maxSeq;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            BytesOut header = new BytesOut(HEADER_SIZE).writeBytes(MAGIC).writeByte(VERSION);
            emit(header.array(), header.size());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create part " + file, e);
        }
    }

    public void add(SeriesKey key, SampleRun run) {
        if (run.size() == 0) {
            return;
        }
        if (lastKey != null && lastKey.compareTo(key) >= 0) {
            throw new IllegalArgumentException("series out of order: " + key + " after " + lastKey);
        }
        lastKey = key;
        int blocks = (run.size() + MAX_BLOCK_ROWS - 1) / MAX_BLOCK_ROWS;
        seriesTable.writeInt(key.tenant().accountId()).writeInt(key.tenant().projectId())
            .writeUVarint(key.labels().size());
        for (int i = 0; i < key.labels().size(); i++) {
            seriesTable.writeString(key.labels().name(i)).writeString(key.labels().value(i));
        }
        seriesTable.writeUVarint(blocks);
        for (int from = 0; from < run.size(); from += MAX_BLOCK_ROWS) {
            int n = Math.min(MAX_BLOCK_ROWS, run.size() - from);
            long[] ts = java.util.Arrays.copyOfRange(run.timestamps(), from, from + n);
            double[] vs = java.util.Arrays.copyOfRange(run.values(), from, from + n);
            byte[] tsBytes = TimestampCodec.encode(ts, n);
            byte[] valBytes = ValueCodec.encode(vs, n);
            CRC32C crc = new CRC32C();
            crc.update(tsBytes);
            crc.update(valBytes);
            blockTable.writeUVarint(n).writeVarint(ts[0]).writeUVarint(ts[n - 1] - ts[0])
                .writeUVarint(tsBytes.length).writeUVarint(valBytes.length).writeInt((int) crc.getValue());
            tsBuffer.writeBytes(tsBytes);
            values.writeBytes(valBytes);
            tsRegionLen += tsBytes.length;
            blockCount++;
            rows += n;
            minTs = Math.min(minTs, ts[0]);
            maxTs = Math.max(maxTs, ts[n - 1]);
        }
        seriesCount++;
        if (tsBuffer.size() > (1 << 20)) {
            emit(tsBuffer.array(), tsBuffer.size());
            tsBuffer.reset();
        }
    }

    public long rows() {
        return rows;
    }

    /** Completes and fsyncs the file; returns its size in bytes. */
    public long finish() {
        try {
            emit(tsBuffer.array(), tsBuffer.size());
            long valOff = HEADER_SIZE + tsRegionLen;
            emit(values.array(), values.size());
            long seriesOff = valOff + values.size();
            byte[] series = compressed(seriesTable);
            emit(series, series.length);
            long blocksOff = seriesOff + series.length;
            byte[] blocks = compressed(blockTable);
            emit(blocks, blocks.length);
            BytesOut footer = new BytesOut(160);
            footer.writeByte(VERSION).writeLong(HEADER_SIZE).writeLong(tsRegionLen).writeLong(valOff)
                .writeLong(values.size()).writeLong(seriesOff).writeLong(series.length).writeLong(seriesTable.size())
                .writeLong(blocksOff).writeLong(blocks.length).writeLong(blockTable.size()).writeLong(seriesCount)
                .writeLong(blockCount).writeLong(rows).writeLong(minTs).writeLong(maxTs).writeLong(minSeq)
                .writeLong(maxSeq).writeInt((int) bodyCrc.getValue()).writeInt(tablesCrc(series, blocks));
            CRC32C footerCrc = new CRC32C();
            footerCrc.update(footer.array(), 0, footer.size());
            footer.writeInt(footer.size()).writeInt((int) footerCrc.getValue()).writeBytes(TRAILER_MAGIC);
            write(footer.array(), footer.size());
            channel.force(true);
            long size = channel.size();
            channel.close();
            return size;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write part " + file, e);
        }
    }

    static int tablesCrc(byte[] series, byte[] blocks) {
        CRC32C crc = new CRC32C();
        crc.update(series);
        crc.update(blocks);
        return (int) crc.getValue();
    }

    private static byte[] compressed(BytesOut table) {
        byte[] z = ZstdStage.compressIfSmaller(table.array(), table.size(), 8192);
        return z != null ? z : table.toArray();
    }

    private void emit(byte[] bytes, int len) {
        bodyCrc.update(bytes, 0, len);
        write(bytes, len);
    }

    private void write(byte[] bytes, int len) {
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, len);
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write part " + file, e);
        }
    }

    /** Abandons an unfinished part (the caller deletes the file). */
    @Override
    public void close() {
        try {
            channel.close();
        }
        catch (IOException e) {
            // nothing more to release
        }
    }
}
