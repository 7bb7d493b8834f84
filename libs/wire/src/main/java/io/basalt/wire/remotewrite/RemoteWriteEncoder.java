package io.basalt.wire.remotewrite;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.metadata.MetricMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Encodes series (and optionally metadata) as a Prometheus remote write 1.0 body: a snappy block-compressed
 * {@code WriteRequest}, ready to POST with {@link #CONTENT_TYPE} and {@link #CONTENT_ENCODING}.
 *
 * <p>Sizes are computed first so the protobuf is written in one pass into an exactly sized array. As protobuf 3 does,
 * a zero timestamp and a value whose bits are all zero ({@code +0.0}) are left out; {@code -0.0} and NaN payloads such
 * as the staleness marker are written bit for bit.
 */
public final class RemoteWriteEncoder {

    public static final String CONTENT_TYPE = "application/x-protobuf";

    public static final String CONTENT_ENCODING = "snappy";

    /** The {@code X-Prometheus-Remote-Write-Version} header value of remote write 1.0. */
    public static final String VERSION_HEADER_VALUE = "0.1.0";

    private static final int FIXED64_FIELD = 9;

    private RemoteWriteEncoder() {
    }

    public static byte[] encode(List<TimeSeries> series) {
        return encode(series, List.of());
    }

    public static byte[] encode(List<TimeSeries> series, List<MetricMetadata> metadata) {
        try {
            return Snappy.compress(encodeProtobuf(series, metadata));
        }
        catch (IOException e) {
            throw new UncheckedIOException("snappy compression failed", e);
        }
    }

    /** The uncompressed {@code WriteRequest} bytes. */
    public static byte[] encodeProtobuf(List<TimeSeries> series, List<MetricMetadata> metadata) {
        int[] seriesSizes = new int[series.size()];
        long total = 0;
        for (int i = 0; i < seriesSizes.length; i++) {
            int size = seriesSize(series.get(i));
            seriesSizes[i] = size;
            total += delimitedSize(size);
        }
        int[] metadataSizes = new int[metadata.size()];
        for (int i = 0; i < metadataSizes.length; i++) {
            int size = metadataSize(metadata.get(i));
            metadataSizes[i] = size;
            total += delimitedSize(size);
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("WriteRequest of " + total + " bytes does not fit one array; split it");
        }
        byte[] out = new byte[(int) total];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            for (int i = 0; i < seriesSizes.length; i++) {
                o.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                o.writeUInt32NoTag(seriesSizes[i]);
                writeSeries(o, series.get(i));
            }
            for (int i = 0; i < metadataSizes.length; i++) {
                o.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                o.writeUInt32NoTag(metadataSizes[i]);
                writeMetadata(o, metadata.get(i));
            }
            o.checkNoSpaceLeft();
        }
        catch (IOException e) {
            throw new IllegalStateException("WriteRequest size was computed wrongly", e);
        }
        return out;
    }

    private static int delimitedSize(int size) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static int seriesSize(TimeSeries ts) {
        Labels labels = ts.labels();
        int size = 0;
        for (int i = 0; i < labels.size(); i++) {
            size += delimitedSize(labelSize(labels.name(i), labels.value(i)));
        }
        long[] timestamps = ts.timestamps();
        double[] values = ts.values();
        for (int i = 0; i < timestamps.length; i++) {
            size += delimitedSize(sampleSize(timestamps[i], values[i]));
        }
        return size;
    }

    private static int labelSize(String name, String value) {
        return stringSize(1, name) + stringSize(2, value);
    }

    private static int stringSize(int field, String s) {
        return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
    }

    private static int sampleSize(long timestamp, double value) {
        return (Double.doubleToRawLongBits(value) == 0 ? 0 : FIXED64_FIELD)
                + (timestamp == 0 ? 0 : CodedOutputStream.computeInt64Size(2, timestamp));
    }

    private static void writeSeries(CodedOutputStream o, TimeSeries ts) throws IOException {
        Labels labels = ts.labels();
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            o.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(labelSize(name, value));
            writeString(o, 1, name);
            writeString(o, 2, value);
        }
        long[] timestamps = ts.timestamps();
        double[] values = ts.values();
        for (int i = 0; i < timestamps.length; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            long timestamp = timestamps[i];
            o.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(sampleSize(timestamp, values[i]));
            if (bits != 0) {
                o.writeFixed64(1, bits);
            }
            if (timestamp != 0) {
                o.writeInt64(2, timestamp);
            }
        }
    }

    private static int metadataSize(MetricMetadata m) {
        int type = m.type().ordinal();
        return (type == 0 ? 0 : CodedOutputStream.computeEnumSize(1, type)) + stringSize(2, m.family())
                + stringSize(4, m.help()) + stringSize(5, m.unit());
    }

    private static void writeMetadata(CodedOutputStream o, MetricMetadata m) throws IOException {
        int type = m.type().ordinal();
        if (type != 0) {
            o.writeEnum(1, type);
        }
        writeString(o, 2, m.family());
        writeString(o, 4, m.help());
        writeString(o, 5, m.unit());
    }

    private static void writeString(CodedOutputStream o, int field, String s) throws IOException {
        if (s.isEmpty()) {
            return;
        }
        if (!isAscii(s)) {
            o.writeString(field, s);
            return;
        }
        // Label names and values are nearly always ASCII: copied char by char, they need no temporary byte[] per
        // string, which protobuf's UTF-8 path allocates for every label of every series sent.
        o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(s.length());
        for (int i = 0; i < s.length(); i++) {
            o.write((byte) s.charAt(i));
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
