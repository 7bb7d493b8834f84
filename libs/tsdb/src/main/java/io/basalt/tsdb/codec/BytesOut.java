package io.basalt.tsdb.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer with varint writers; reused across blocks to keep encoding allocation-light. */
public final class BytesOut {

    private byte[] buf;

    private int size;

    public BytesOut() {
        this(256);
    }

    public BytesOut(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** The backing array; valid up to {@link #size()}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public BytesOut writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public BytesOut writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public BytesOut writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public BytesOut writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
        return this;
    }

    public BytesOut writeLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public BytesOut writeUVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    public BytesOut writeVarint(long v) {
        return writeUVarint((v << 1) ^ (v >> 63));
    }

    public BytesOut writeString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeUVarint(b.length);
        return writeBytes(b);
    }

    /** Overwrites 4 bytes at {@code pos}, for lengths known only after the payload is written. */
    public void putInt(int pos, int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        buf[pos + 2] = (byte) (v >>> 16);
        buf[pos + 3] = (byte) (v >>> 24);
    }

    /** Number of bytes {@link #writeVarint} would use, for choosing an encoding without writing it. */
    public static int varintSize(long v) {
        long u = (v << 1) ^ (v >> 63);
        return u == 0 ? 1 : (70 - Long.numberOfLeadingZeros(u)) / 7;
    }
}
