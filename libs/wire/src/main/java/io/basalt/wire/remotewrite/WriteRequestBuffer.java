package io.basalt.wire.remotewrite;

import com.google.protobuf.CodedOutputStream;
import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * A remote write 1.0 {@code WriteRequest} written series by series into one growing buffer, to be taken as the
 * snappy-compressed body of a request. A sender that writes the same series again and again (a scrape every few
 * seconds) encodes each label set once with {@link #labelsSection} and appends only samples after that: no object
 * per sample between the scrape and the request body.
 *
 * <p>As protobuf 3 does, a zero timestamp and a value whose bits are all zero ({@code +0.0}) are left out, and so are
 * empty strings; {@code -0.0} and NaN payloads such as the staleness marker are written bit for bit. Not thread-safe.
 */
public final class WriteRequestBuffer {

    private static final int SERIES_FIELD = 1 << 3 | 2;

    private static final int LABEL_FIELD = 1 << 3 | 2;

    private static final int SAMPLE_FIELD = 2 << 3 | 2;

    private static final int METADATA_FIELD = 3 << 3 | 2;

    private static final int VALUE_FIELD = 1 << 3 | 1;

    private static final int TIMESTAMP_FIELD = 2 << 3;

    private byte[] buf;

    private int size;

    private int samples;

    private byte[] compressed = new byte[0];

    public WriteRequestBuffer(int initialBytes) {
        buf = new byte[Math.max(64, initialBytes)];
    }

    /** The {@code Label} fields of a {@code TimeSeries} message for {@code labels}, to pass to {@link #add}. */
    public static byte[] labelsSection(Labels labels) {
        WriteRequestBuffer b = new WriteRequestBuffer(labelsSize(labels));
        b.writeLabels(labels);
        return Arrays.copyOf(b.buf, b.size);
    }

    /** Appends one series of one sample whose labels were encoded with {@link #labelsSection}. */
    public void add(byte[] labelsSection, long timestamp, double value) {
        int sample = sampleSize(timestamp, value);
        int message = labelsSection.length + delimitedSize(sample);
        ensure(delimitedSize(message));
        writeByte(SERIES_FIELD);
        writeVarint(message);
        System.arraycopy(labelsSection, 0, buf, size, labelsSection.length);
        size += labelsSection.length;
        writeSample(sample, timestamp, value);
        samples++;
    }

    /** Appends one series of any number of samples whose labels were encoded with {@link #labelsSection}. */
    public void add(byte[] labelsSection, long[] timestamps, double[] values) {
        int message = labelsSection.length + samplesSize(timestamps, values);
        ensure(delimitedSize(message));
        writeByte(SERIES_FIELD);
        writeVarint(message);
        System.arraycopy(labelsSection, 0, buf, size, labelsSection.length);
        size += labelsSection.length;
        writeSamples(timestamps, values);
    }

    /** Appends one series of any number of samples. */
    public void add(Labels labels, long[] timestamps, double[] values) {
        int message = labelsSize(labels) + samplesSize(timestamps, values);
        ensure(delimitedSize(message));
        writeByte(SERIES_FIELD);
        writeVarint(message);
        writeLabels(labels);
        writeSamples(timestamps, values);
    }

    private static int samplesSize(long[] timestamps, double[] values) {
        int total = 0;
        for (int i = 0; i < timestamps.length; i++) {
            total += delimitedSize(sampleSize(timestamps[i], values[i]));
        }
        return total;
    }

    private void writeSamples(long[] timestamps, double[] values) {
        for (int i = 0; i < timestamps.length; i++) {
            writeSample(sampleSize(timestamps[i], values[i]), timestamps[i], values[i]);
        }
        samples += timestamps.length;
    }

    /** Appends one {@code MetricMetadata}. */
    public void addMetadata(MetricMetadata m) {
        int type = m.type().ordinal();
        int message = (type == 0 ? 0 : 1 + CodedOutputStream.computeUInt32SizeNoTag(type)) + stringSize(m.family())
                + stringSize(m.help()) + stringSize(m.unit());
        ensure(delimitedSize(message));
        writeByte(METADATA_FIELD);
        writeVarint(message);
        if (type != 0) {
            writeByte(1 << 3);
            writeVarint(type);
        }
        writeString(2, m.family());
        writeString(4, m.help());
        writeString(5, m.unit());
    }

    /** Samples appended since the last {@link #clear()}. */
    public int samples() {
        return samples;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The uncompressed {@code WriteRequest}. */
    public byte[] protobuf() {
        return Arrays.copyOf(buf, size);
    }

    /** The request body: the {@code WriteRequest} snappy block-compressed. */
    public byte[] snappy() {
        try {
            int max = Snappy.maxCompressedLength(size);
            if (compressed.length < max) {
                compressed = new byte[max];
            }
            int n = Snappy.rawCompress(buf, 0, size, compressed, 0);
            return Arrays.copyOf(compressed, n);
        }
        catch (IOException e) {
            throw new UncheckedIOException("snappy compression failed", e);
        }
    }

    /** Starts an empty request, keeping the buffers. */
    public void clear() {
        size = 0;
        samples = 0;
    }

    private static int labelsSize(Labels labels) {
        int total = 0;
        for (int i = 0; i < labels.size(); i++) {
            total += delimitedSize(stringSize(labels.name(i)) + stringSize(labels.value(i)));
        }
        return total;
    }

    private void writeLabels(Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            writeByte(LABEL_FIELD);
            writeVarint(stringSize(name) + stringSize(value));
            writeString(1, name);
            writeString(2, value);
        }
    }

    private static int sampleSize(long timestamp, double value) {
        return (Double.doubleToRawLongBits(value) == 0 ? 0 : 9)
                + (timestamp == 0 ? 0 : 1 + CodedOutputStream.computeUInt64SizeNoTag(timestamp));
    }

    private void writeSample(int sampleSize, long timestamp, double value) {
        writeByte(SAMPLE_FIELD);
        writeVarint(sampleSize);
        long bits = Double.doubleToRawLongBits(value);
        if (bits != 0) {
            writeByte(VALUE_FIELD);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (bits >>> (8 * i));
            }
        }
        if (timestamp != 0) {
            writeByte(TIMESTAMP_FIELD);
            writeVarint(timestamp);
        }
    }

    /** Field tag plus length plus UTF-8 bytes; nothing for an empty string. */
    private static int stringSize(String s) {
        return s.isEmpty() ? 0 : 1 + CodedOutputStream.computeStringSizeNoTag(s);
    }

    private void writeString(int field, String s) {
        if (s.isEmpty()) {
            return;
        }
        writeByte(field << 3 | 2);
        if (isAscii(s)) {
            // Label names and values are nearly always ASCII: copied char by char, without a byte[] per string.
            writeVarint(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[size++] = (byte) s.charAt(i);
            }
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int delimitedSize(int size) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("WriteRequest of " + wanted + " bytes does not fit one array");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    private void writeByte(int b) {
        buf[size++] = (byte) b;
    }

    /** Protobuf's base-128 varint; a negative int64 takes ten bytes, as protobuf writes it. */
    private void writeVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }
}
