package io.basalt.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical byte form of a label set: {@code count:uvarint { name:str value:str }*} with {@code str =
 * byteLength:uvarint utf8}, pairs in {@link Labels}' order. It is the label section of Basalt's rows block, so a storage
 * node can recognise a series it already knows from the bytes it received, without building a {@code String}.
 *
 * <p>Two label sets are equal exactly when their canonical bytes are equal. Bytes that are not canonical (unsorted
 * pairs, empty values, invalid UTF-8) still decode to a label set, just not to these bytes; callers that key on bytes
 * re-encode what they decoded.
 */
public final class LabelEncoding {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LabelEncoding() {
    }

    public static byte[] encode(Labels labels) {
        byte[][] utf8 = new byte[labels.size() * 2][];
        int size = uvarintSize(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            utf8[2 * i] = labels.name(i).getBytes(StandardCharsets.UTF_8);
            utf8[2 * i + 1] = labels.value(i).getBytes(StandardCharsets.UTF_8);
        }
        for (byte[] s : utf8) {
            size += uvarintSize(s.length) + s.length;
        }
        byte[] out = new byte[size];
        int pos = putUvarint(out, 0, labels.size());
        for (byte[] s : utf8) {
            pos = putUvarint(out, pos, s.length);
            System.arraycopy(s, 0, out, pos, s.length);
            pos += s.length;
        }
        return out;
    }

    /**
     * Decodes {@code len} bytes at {@code off}, which the caller has already checked with {@link #scan}.
     *
     * @throws InvalidLabelsException for an empty or repeated label name
     */
    public static Labels decode(byte[] buf, int off, int len) {
        int[] cursor = { off };
        int end = off + len;
        int count = (int) uvarint(buf, cursor, end);
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < count; i++) {
            String name = string(buf, cursor, end);
            String value = string(buf, cursor, end);
            b.add(name, value);
        }
        return b.build();
    }

    /**
     * Checks the structure of the label set that starts at {@code off} and returns where it ends, or {@code -1} when it
     * runs past {@code end} or a length is impossible. Decoding what it accepted cannot read out of bounds.
     */
    public static int scan(byte[] buf, int off, int end) {
        int[] cursor = { off };
        long count = uvarint(buf, cursor, end);
        if (count < 0 || count > (end - cursor[0]) / 2) {
            return -1;
        }
        for (long i = 0; i < 2 * count; i++) {
            long n = uvarint(buf, cursor, end);
            if (n < 0 || n > end - cursor[0]) {
                return -1;
            }
            cursor[0] += (int) n;
        }
        return cursor[0];
    }

    /** A well-mixed 64-bit hash of a byte range, eight bytes at a time. */
    public static long hash(byte[] buf, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = (h ^ mix((long) LONGS.get(buf, i))) * 0xBF58476D1CE4E5B9L;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (buf[i] & 0xFFL) << shift;
        }
        return mix(h ^ mix(tail));
    }

    /** Equality of two byte ranges. */
    public static boolean equal(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        return Arrays.equals(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String string(byte[] buf, int[] cursor, int end) {
        int n = (int) uvarint(buf, cursor, end);
        String s = StringTable.decode(buf, cursor[0], n);
        cursor[0] += n;
        return s;
    }

    /** An unsigned varint, or {@code -1} when it is truncated or longer than 63 bits. */
    private static long uvarint(byte[] buf, int[] cursor, int end) {
        long result = 0;
        int pos = cursor[0];
        for (int shift = 0; shift < 63; shift += 7) {
            if (pos >= end) {
                return -1;
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                cursor[0] = pos;
                return result;
            }
        }
        return -1;
    }

    private static int uvarintSize(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putUvarint(byte[] out, int pos, int v) {
        while ((v & ~0x7F) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }
}
