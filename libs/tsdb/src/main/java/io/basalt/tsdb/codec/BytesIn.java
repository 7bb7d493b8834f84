package io.basalt.tsdb.codec;

import java.nio.charset.StandardCharsets;

/** Reads what {@link BytesOut} wrote; every overrun is a {@link CorruptDataException}, never an index error. */
public final class BytesIn {

    private final byte[] buf;

    private final int end;

    private int pos;

    public BytesIn(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public BytesIn(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n) {
        if (n < 0 || pos + n > end) {
            throw new CorruptDataException("truncated data: need " + n + " bytes at " + pos + ", have " + (end - pos));
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public byte[] readBytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public int readInt() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public long readLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 8;
        return v;
    }

    public long readUVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new CorruptDataException("varint longer than 10 bytes at " + pos);
    }

    public long readVarint() {
        long u = readUVarint();
        return (u >>> 1) ^ -(u & 1);
    }

    public int readCount(int max) {
        long v = readUVarint();
        if (v < 0 || v > max) {
            throw new CorruptDataException("count " + v + " out of range [0, " + max + "]");
        }
        return (int) v;
    }

    public String readString() {
        int n = readCount(1 << 24);
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }
}
