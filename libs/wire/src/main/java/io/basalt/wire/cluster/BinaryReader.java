package io.basalt.wire.cluster;

import java.nio.charset.StandardCharsets;

/** Reads what {@link BinaryWriter} wrote; every read is bounds-checked and fails with {@link MalformedBodyException}. */
final class BinaryReader {

    private final byte[] buf;

    private int pos;

    private final int end;

    BinaryReader(byte[] buf) {
        this.buf = buf;
        this.end = buf.length;
    }

    int position() {
        return pos;
    }

    /** Moves to {@code position}, which a caller has checked to lie within the body. */
    void skipTo(int position) {
        if (position < pos || position > end) {
            throw new MalformedBodyException("position " + position + " outside the body");
        }
        pos = position;
    }

    boolean hasMore() {
        return pos < end;
    }

    void expectMagic(byte[] magic, String what) {
        if (end - pos < magic.length) {
            throw new MalformedBodyException(what + ": body too short for its header");
        }
        for (byte b : magic) {
            if (buf[pos++] != b) {
                throw new MalformedBodyException(what + ": unknown format or version");
            }
        }
    }

    long uvarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new MalformedBodyException("truncated varint at byte " + pos);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedBodyException("varint longer than 10 bytes at byte " + pos);
    }

    long varint() {
        long v = uvarint();
        return (v >>> 1) ^ -(v & 1);
    }

    int count(String what) {
        long n = uvarint();
        if (n < 0 || n > end - pos) {
            throw new MalformedBodyException(what + " count " + n + " exceeds the body");
        }
        return (int) n;
    }

    long fixed64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos++] & 0xFFL) << (8 * i);
        }
        return v;
    }

    int fixed32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    String string() {
        int len = count("string length");
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private void need(int n) {
        if (end - pos < n) {
            throw new MalformedBodyException("truncated body at byte " + pos);
        }
    }
}
