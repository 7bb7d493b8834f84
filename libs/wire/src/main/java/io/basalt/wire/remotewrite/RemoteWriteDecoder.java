package io.basalt.wire.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.basalt.model.Labels;
import io.basalt.model.StringTable;
import io.basalt.model.TimeSeries;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import io.basalt.wire.remotewrite.RemoteWriteException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Decodes a Prometheus remote write 1.0 body: a snappy block-compressed {@code WriteRequest}.
 *
 * <p>The protobuf is read field by field rather than through generated messages, so each label string is decoded
 * straight from the decompressed buffer into the {@link Labels} that the rest of Basalt uses, and nothing else is
 * allocated per label. Unsorted labels are sorted; series without {@code __name__} are accepted. A label whose value
 * is empty is dropped, because Prometheus treats an empty value as an absent label. Exemplars and native histograms
 * are counted, not kept. Series that carry no float sample are left out.
 *
 * <p>An instance holds only its size limit, so one can be shared by all request threads.
 */
public final class RemoteWriteDecoder {

    /** Prometheus and VictoriaMetrics both refuse bodies above 32 MiB by default. */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 32 << 20;

    private static final int WRITE_REQUEST_TIMESERIES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int WRITE_REQUEST_METADATA = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int SERIES_LABEL = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int SERIES_SAMPLE = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int SERIES_EXEMPLAR = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int SERIES_HISTOGRAM = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int LABEL_NAME = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int LABEL_VALUE = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int SAMPLE_VALUE = tag(1, WireFormat.WIRETYPE_FIXED64);

    private static final int SAMPLE_TIMESTAMP = tag(2, WireFormat.WIRETYPE_VARINT);

    private static final int METADATA_TYPE = tag(1, WireFormat.WIRETYPE_VARINT);

    private static final int METADATA_FAMILY = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int METADATA_HELP = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static final int METADATA_UNIT = tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private final int maxDecompressedBytes;

    public RemoteWriteDecoder() {
        this(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /** @param maxDecompressedBytes bodies that would decompress to more are refused with 413 before decompressing */
    public RemoteWriteDecoder(int maxDecompressedBytes) {
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be positive, got " + maxDecompressedBytes);
        }
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    public int maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    /** @throws RemoteWriteException for a body that must not be retried, with the HTTP status to answer */
    public RemoteWriteRequest decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    public RemoteWriteRequest decode(byte[] body, int offset, int length) {
        byte[] raw = decompress(body, offset, length);
        return decodeProtobuf(raw, 0, raw.length);
    }

    /** Decodes a {@code WriteRequest} that is not snappy-compressed. */
    public RemoteWriteRequest decodeProtobuf(byte[] buf, int offset, int length) {
        if (length > maxDecompressedBytes) {
            throw tooLarge(length);
        }
        try {
            return new Reader(buf, offset, length).writeRequest();
        }
        catch (IOException e) {
            throw new RemoteWriteException(Reason.PROTOBUF, "protobuf: cannot parse WriteRequest: " + e.getMessage());
        }
    }

    private byte[] decompress(byte[] body, int offset, int length) {
        long size = declaredLength(body, offset, length);
        if (size < 0) {
            throw notSnappy();
        }
        if (size > maxDecompressedBytes) {
            throw tooLarge(size);
        }
        byte[] raw = new byte[(int) size];
        int written;
        try {
            written = Snappy.uncompress(body, offset, length, raw, 0);
        }
        catch (IOException | SnappyError | RuntimeException e) {
            throw notSnappy();
        }
        if (written != size) {
            throw notSnappy();
        }
        return raw;
    }

    /**
     * The uncompressed length that a snappy block declares up front (a varint of at most 32 bits), read here so that
     * an oversized body is refused before anything is allocated for it.
     *
     * @return -1 when the preamble is missing or malformed
     */
    private static long declaredLength(byte[] body, int offset, int length) {
        long value = 0;
        for (int i = 0; i < 5 && i < length; i++) {
            int b = body[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value <= 0xFFFFFFFFL ? value : -1;
            }
        }
        return -1;
    }

    private static RemoteWriteException notSnappy() {
        return new RemoteWriteException(Reason.SNAPPY, "snappy: body is not valid snappy block-format data"
                + " (remote write 1.0 needs the block format, not the framed stream format, and no other encoding)");
    }

    private RemoteWriteException tooLarge(long size) {
        return new RemoteWriteException(Reason.TOO_LARGE, "request too large: body decompresses to " + size
                + " bytes, the limit is "
                + maxDecompressedBytes + " bytes");
    }

    /** Which string a decode error is about; the message is only built when there is an error. */
    private enum Text {
        LABEL_NAME, LABEL_VALUE, FAMILY, HELP, UNIT;

        String describe(String owner) {
            return switch (this) {
                case LABEL_NAME -> "label name";
                case LABEL_VALUE -> owner.isEmpty() ? "label value" : "value of label \"" + owner + "\"";
                case FAMILY -> "metadata family name";
                case HELP -> "metadata help of \"" + owner + "\"";
                case UNIT -> "metadata unit of \"" + owner + "\"";
            };
        }
    }

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    /** The state of one decode: the buffer, and scratch arrays reused from series to series. */
    private static final class Reader {

        private final byte[] buf;

        private final int base;

        private final CodedInputStream in;

        private String[] names = new String[16];

        private String[] values = new String[16];

        private long[] timestamps = new long[4];

        private long[] valueBits = new long[4];


        private final List<TimeSeries> series = new ArrayList<>();

        private final List<MetricMetadata> metadata = new ArrayList<>(0);

        private int exemplars;

        private int histograms;

        Reader(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.base = offset;
            this.in = CodedInputStream.newInstance(buf, offset, length);
        }

        RemoteWriteRequest writeRequest() throws IOException {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == WRITE_REQUEST_TIMESERIES) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    timeSeries();
                    in.popLimit(limit);
                }
                else if (tag == WRITE_REQUEST_METADATA) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    metadata.add(metricMetadata());
                    in.popLimit(limit);
                }
                else {
                    skip(tag);
                }
            }
            return new RemoteWriteRequest(series, metadata, exemplars, histograms);
        }

        private void timeSeries() throws IOException {
            int labelCount = 0;
            int sampleCount = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == SERIES_LABEL) {
                    if (labelCount == names.length) {
                        names = Arrays.copyOf(names, labelCount * 2);
                        values = Arrays.copyOf(values, labelCount * 2);
                    }
                    int limit = in.pushLimit(in.readRawVarint32());
                    label(labelCount++);
                    in.popLimit(limit);
                }
                else if (tag == SERIES_SAMPLE) {
                    if (sampleCount == timestamps.length) {
                        timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
                        valueBits = Arrays.copyOf(valueBits, sampleCount * 2);
                    }
                    int limit = in.pushLimit(in.readRawVarint32());
                    sample(sampleCount++);
                    in.popLimit(limit);
                }
                else if (tag == SERIES_EXEMPLAR) {
                    exemplars++;
                    in.skipField(tag);
                }
                else if (tag == SERIES_HISTOGRAM) {
                    histograms++;
                    in.skipField(tag);
                }
                else {
                    skip(tag);
                }
            }
            Labels labels = labels(labelCount);
            if (sampleCount == 0) {
                return;
            }
            double[] vs = new double[sampleCount];
            for (int i = 0; i < sampleCount; i++) {
                vs[i] = Double.longBitsToDouble(valueBits[i]);
            }
            series.add(new TimeSeries(labels, Arrays.copyOf(timestamps, sampleCount), vs));
        }

        private void label(int index) throws IOException {
            String name = "";
            String value = "";
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == LABEL_NAME) {
                    name = string(Text.LABEL_NAME, "");
                }
                else if (tag == LABEL_VALUE) {
                    value = string(Text.LABEL_VALUE, name);
                }
                else {
                    skip(tag);
                }
            }
            if (name.isEmpty()) {
                throw new RemoteWriteException(Reason.EMPTY_LABEL_NAME, "invalid labels: empty label name"
                        + (value.isEmpty() ? "" : " (with value \"" + value + "\")"));
            }
            names[index] = name;
            values[index] = value;
        }

        private void sample(int index) throws IOException {
            long bits = 0;
            long timestamp = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == SAMPLE_VALUE) {
                    bits = in.readRawLittleEndian64();
                }
                else if (tag == SAMPLE_TIMESTAMP) {
                    timestamp = in.readInt64();
                }
                else {
                    skip(tag);
                }
            }
            valueBits[index] = bits;
            timestamps[index] = timestamp;
        }

        /**
         * Senders sort labels, so a strictly increasing run of names proves there is no duplicate; only an unsorted
         * series pays for the sorted check. Empty values take part, so {@code a=""} plus {@code a="x"} is refused.
         */
        private Labels labels(int count) {
            boolean strictlyIncreasing = true;
            for (int i = 1; i < count && strictlyIncreasing; i++) {
                strictlyIncreasing = names[i - 1].compareTo(names[i]) < 0;
            }
            if (!strictlyIncreasing) {
                String[] sorted = Arrays.copyOf(names, count);
                Arrays.sort(sorted);
                for (int i = 1; i < count; i++) {
                    if (sorted[i - 1].equals(sorted[i])) {
                        throw new RemoteWriteException(Reason.DUPLICATE_LABEL_NAME,
                                "invalid labels: duplicate label name \"" + sorted[i] + "\" in one series");
                    }
                }
            }
            return Labels.fromArrays(names, values, count);
        }

        private MetricMetadata metricMetadata() throws IOException {
            MetricType type = MetricType.UNKNOWN;
            String family = "";
            String help = "";
            String unit = "";
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == METADATA_TYPE) {
                    type = MetricType.fromNumber(in.readEnum());
                }
                else if (tag == METADATA_FAMILY) {
                    family = string(Text.FAMILY, "");
                }
                else if (tag == METADATA_HELP) {
                    help = string(Text.HELP, family);
                }
                else if (tag == METADATA_UNIT) {
                    unit = string(Text.UNIT, family);
                }
                else {
                    skip(tag);
                }
            }
            return new MetricMetadata(type, family, help, unit);
        }

        /** Decodes a string field straight from the buffer: the only copy made of its bytes. */
        private String string(Text what, String owner) throws IOException {
            int length = in.readRawVarint32();
            if (length < 0 || length > in.getBytesUntilLimit()) {
                throw new IOException("string field of " + length + " bytes runs past the end of its message");
            }
            int start = base + in.getTotalBytesRead();
            String s = StringTable.ascii(buf, start, length);
            if (s == null) {
                if (!UnsafeByteOperations.unsafeWrap(buf, start, length).isValidUtf8()) {
                    throw new RemoteWriteException(Reason.INVALID_UTF8, "invalid " + what.describe(owner)
                            + ": not valid UTF-8");
                }
                s = new String(buf, start, length, StandardCharsets.UTF_8);
            }
            in.skipRawBytes(length);
            return s;
        }

        private void skip(int tag) throws IOException {
            if (!in.skipField(tag)) {
                throw new IOException("unexpected end-group tag");
            }
        }
    }
}
