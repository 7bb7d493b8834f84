package io.basalt.wire.vmnative;

import java.util.Arrays;

/** Reads the varints and byte strings of one block or column; running past the end is a format error. */
final class ByteCursor {

    private final byte[] data;

    private final String what;

    private int pos;

    /** @param what the block or column, for error messages */
    ByteCursor(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    long uvarint() {
        long u = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            u |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return u;
            }
        }
        throw new VmNativeFormatException(what + ": a varint longer than 10 bytes");
    }

    long zigzag() {
        long u = uvarint();
        return (u >>> 1) ^ -(u & 1);
    }

    int u8() {
        if (pos == data.length) {
            throw new VmNativeFormatException(what + ": ends too early");
        }
        return data[pos++] & 0xff;
    }

    /** A {@code uvarint length + bytes} field. */
    byte[] bytes() {
        long n = uvarint();
        // A length of 2^63 or more reads as negative.
        if (n < 0 || n > data.length - pos) {
            throw new VmNativeFormatException(what + ": a field of " + Long.toUnsignedString(n) + " bytes runs past the end");
        }
        byte[] out = Arrays.copyOfRange(data, pos, pos + (int) n);
        pos += (int) n;
        return out;
    }

    void requireEnd() {
        if (pos != data.length) {
            throw new VmNativeFormatException(what + ": " + (data.length - pos) + " bytes left over");
        }
    }
}
