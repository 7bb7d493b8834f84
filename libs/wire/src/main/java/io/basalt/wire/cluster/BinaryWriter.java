package io.basalt.wire.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Appends the primitives of Basalt's internal formats: unsigned varints, zig-zag varints, fixed 64-bit, strings. */
final class BinaryWriter {

    private final ByteArrayOutputStream out;

    BinaryWriter(int expectedSize) {
        this.out = new ByteArrayOutputStream(expectedSize);
    }

    void bytes(byte[] b) {
        out.write(b, 0, b.length);
    }

    void uvarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    void varint(long v) {
        uvarint((v << 1) ^ (v >> 63));
    }

    void fixed64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    void fixed32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvarint(b.length);
        out.write(b, 0, b.length);
    }

    void u8(int v) {
        out.write(v);
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
