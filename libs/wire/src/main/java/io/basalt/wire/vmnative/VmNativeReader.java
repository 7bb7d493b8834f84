package io.basalt.wire.vmnative;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads VictoriaMetrics' native export format ({@code /api/v1/export/native}, the body {@code vmctl vm-native} sends
 * to {@code /api/v1/import/native}) as a stream, one block at a time.
 *
 * <p>Layout: a 16-byte header (the export's time range, two zigzag int64, big-endian), then until the end of the body
 * blocks of one series each, every block framed as {@code uint32 BE length + metric name} and
 * {@code uint32 BE length + block}. A series longer than a block (VictoriaMetrics writes at most 8192 rows per
 * block) comes as several blocks naming it again.
 *
 * <p>Metric name: the metric name then label name, label value, … each ended by byte 1; inside them byte 0 escapes
 * {@code '0'}, {@code '1'}, {@code '2'} for bytes 0, 1 and 2. Block: zigzag varints min timestamp, first value
 * mantissa, uvarint rows, zigzag varint scale, a byte each for the timestamps' and values' marshal types, then the
 * two columns as {@code uvarint length + bytes} (see {@link VmNativeColumns}).
 *
 * <p>Anything else fails with {@link VmNativeFormatException} naming the block. Lengths are checked before anything is
 * allocated, so a forged length cannot claim more memory than {@link #MAX_BLOCK_BYTES}.
 */
public final class VmNativeReader {

    /** Largest metric name accepted, in bytes. */
    public static final int MAX_METRIC_NAME_BYTES = 1 << 20;

    /** Largest block accepted, in bytes; VictoriaMetrics' blocks stay far below (8192 rows of ≤ 20 bytes). */
    public static final int MAX_BLOCK_BYTES = 4 << 20;

    /** Most rows in one block; VictoriaMetrics writes at most 8192. */
    public static final int MAX_ROWS_PER_BLOCK = 1 << 16;

    /** Receives each block's series: timestamps in milliseconds, ascending as VictoriaMetrics stores them. */
    @FunctionalInterface
    public interface Listener {

        void block(Labels labels, long[] timestampsMillis, double[] values);
    }

    private VmNativeReader() {
    }

    /**
     * Reads the whole body. An empty body holds no blocks.
     *
     * @return the number of blocks read
     * @throws VmNativeFormatException when the body is not native export data
     * @throws IOException             from the stream
     */
    public static long read(InputStream body, Listener listener) throws IOException {
        byte[] header = new byte[16];
        int got = body.readNBytes(header, 0, header.length);
        if (got == 0) {
            return 0;
        }
        if (got < header.length) {
            throw new VmNativeFormatException("native: body ends inside its 16-byte header after " + got + " bytes");
        }
        long blocks = 0;
        byte[] length = new byte[4];
        while (true) {
            got = body.readNBytes(length, 0, 4);
            if (got == 0) {
                return blocks;
            }
            blocks++;
            if (got < 4) {
                throw error(blocks, "body ends inside the metric name's length");
            }
            byte[] name = frame(body, ByteBuffer.wrap(length).getInt(), MAX_METRIC_NAME_BYTES, blocks,
                    "metric name");
            Labels labels = labels(name, blocks);
            if (body.readNBytes(length, 0, 4) < 4) {
                throw error(blocks, "body ends before the block of " + labels);
            }
            byte[] block = frame(body, ByteBuffer.wrap(length).getInt(), MAX_BLOCK_BYTES, blocks, "block");
            try {
                decodeBlock(block, labels, listener);
            }
            catch (VmNativeFormatException e) {
                throw error(blocks, labels + ": " + e.getMessage());
            }
        }
    }

    private static byte[] frame(InputStream body, int length, int max, long block, String what)
            throws IOException {
        long n = Integer.toUnsignedLong(length);
        if (n > max) {
            throw error(block, what + " of " + n + " bytes is over the limit of " + max);
        }
        byte[] out = body.readNBytes((int) n);
        if (out.length < n) {
            throw error(block, "body ends inside the " + what + " (" + out.length + " of " + n + " bytes)");
        }
        return out;
    }

    private static void decodeBlock(byte[] block, Labels labels, Listener listener) {
        ByteCursor in = new ByteCursor(block, "block");
        long minTimestamp = in.zigzag();
        long firstValue = in.zigzag();
        long rows = in.uvarint();
        long scale = in.zigzag();
        if (rows < 1 || rows > MAX_ROWS_PER_BLOCK) {
            throw new VmNativeFormatException(rows + " rows in a block; 1 to " + MAX_ROWS_PER_BLOCK + " expected");
        }
        if (scale < Short.MIN_VALUE || scale > Short.MAX_VALUE) {
            throw new VmNativeFormatException("scale " + scale + " out of range");
        }
        int timestampsType = in.u8();
        int valuesType = in.u8();
        byte[] timestampsData = in.bytes();
        byte[] valuesData = in.bytes();
        in.requireEnd();
        int count = (int) rows;
        long[] timestamps = VmNativeColumns.decode(timestampsType, timestampsData, minTimestamp, count, "timestamps");
        long[] mantissas = VmNativeColumns.decode(valuesType, valuesData, firstValue, count, "values");
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = VmNativeColumns.toDouble(mantissas[i], (int) scale);
        }
        listener.block(labels, timestamps, values);
    }

    /** Metric name and labels; the metric name goes to {@code __name__} (an empty one means none). */
    static Labels labels(byte[] name, long block) {
        Labels.Builder b = Labels.builder();
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        String pendingName = null;
        boolean first = true;
        int i = 0;
        while (i < name.length) {
            int c = name[i++] & 0xff;
            if (c == 0) {
                if (i == name.length || name[i] < '0' || name[i] > '2') {
                    throw error(block, "metric name has an invalid escape");
                }
                item.write(name[i++] - '0');
            }
            else if (c == 1) {
                String s = utf8(item.toByteArray(), block);
                item.reset();
                try {
                    if (first) {
                        b.add(Labels.METRIC_NAME, s);
                        first = false;
                    }
                    else if (pendingName == null) {
                        pendingName = s;
                    }
                    else {
                        b.add(pendingName, s);
                        pendingName = null;
                    }
                }
                catch (InvalidLabelsException e) {
                    throw error(block, "invalid labels: " + e.getMessage());
                }
            }
            else {
                item.write(c);
            }
        }
        if (item.size() > 0 || pendingName != null || first) {
            throw error(block, "metric name is not a name followed by label name and value pairs");
        }
        Labels labels = b.build();
        if (labels.isEmpty()) {
            throw error(block, "series has no labels");
        }
        return labels;
    }

    private static String utf8(byte[] bytes, long block) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (CharacterCodingException e) {
            throw error(block, "label name or value is not valid UTF-8");
        }
    }

    private static VmNativeFormatException error(long block, String message) {
        return new VmNativeFormatException("native block " + block + ": " + message);
    }
}
