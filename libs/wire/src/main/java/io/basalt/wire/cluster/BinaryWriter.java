package io.basalt.wire.cluster;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends the primitives of Basalt's internal formats: unsigned varints, zig-zag varints, fixed 64-bit, strings.
 * A plain growable array: storage encodes every search answer with it, and ByteArrayOutputStream's synchronized
 * single-byte writes cost more than the encoding itself.
 */
final class BinaryWriter {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;

    private int size;

    BinaryWriter(int expectedSize) {
        this.buf = new byte[Math.max(16, expectedSize)];
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
        }
    }

    void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    void uvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void varint(long v) {
        uvarint((v << 1) ^ (v >> 63));
    }

    void fixed64(long v) {
        ensure(8);
        LONG_LE.set(buf, size, v);
        size += 8;
    }

    void fixed32(int v) {
        ensure(4);
        INT_LE.set(buf, size, v);
        size += 4;
    }

    void string(String s) {
        int n = s.length();
        if (n < 128) {
            // Label names and values are nearly always short ASCII: written char by char, nothing allocated.
            ensure(1 + n);
            int start = size;
            buf[size++] = (byte) n;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    size = start;
                    stringUtf8(s);
                    return;
                }
                buf[size++] = (byte) c;
            }
            return;
        }
        stringUtf8(s);
    }

    private void stringUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvarint(b.length);
        bytes(b);
    }

    /** The bytes {@link #uvarint} writes for {@code v}. */
    static int uvarintSize(long v) {
        return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    int size() {
        return size;
    }

    /** The bytes written; the buffer itself when it is exactly full, so a caller that sized it well gets no copy. */
    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
}
