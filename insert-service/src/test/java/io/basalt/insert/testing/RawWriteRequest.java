package io.basalt.insert.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xerial.snappy.Snappy;

/**
 * Builds remote-write bodies byte by byte, so tests can send what no well-behaved encoder would: unsorted or
 * duplicated label names, empty names, invalid UTF-8.
 */
public final class RawWriteRequest {

    private final ByteArrayOutputStream request = new ByteArrayOutputStream();

    /** One series with one sample; {@code labels} are name, value, name, value... as raw bytes. */
    public RawWriteRequest series(long timestamp, double value, byte[]... labels) {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i += 2) {
            ByteArrayOutputStream label = new ByteArrayOutputStream();
            field(label, 1, labels[i]);
            field(label, 2, labels[i + 1]);
            field(series, 1, label.toByteArray());
        }
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        sample.write(1 << 3 | 1);
        long bits = Double.doubleToRawLongBits(value);
        for (int i = 0; i < 8; i++) {
            sample.write((int) (bits >>> (8 * i)) & 0xFF);
        }
        sample.write(2 << 3);
        varint(sample, timestamp);
        field(series, 2, sample.toByteArray());
        field(request, 1, series.toByteArray());
        return this;
    }

    public RawWriteRequest series(long timestamp, double value, String... labels) {
        byte[][] raw = new byte[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            raw[i] = labels[i].getBytes(StandardCharsets.UTF_8);
        }
        return series(timestamp, value, raw);
    }

    public byte[] protobuf() {
        return request.toByteArray();
    }

    public byte[] snappy() {
        try {
            return Snappy.compress(protobuf());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        out.write(number << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
