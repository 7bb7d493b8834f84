package io.basalt.fuzzing;

import java.util.Arrays;

/**
 * Structure-aware fuzzing: valid encodings are damaged the way a faulty network, a buggy client or an attacker would
 * damage them, so the decoder gets past its first check and its deeper paths are exercised. The choices come from a
 * {@link Gen}, so the same damage runs in seeded tests and, steered by coverage, under Jazzer.
 */
public final class ByteMutations {

    public enum Kind {
        FLIP_BIT, SET_BYTE, TRUNCATE, DELETE, DUPLICATE, INSERT, INFLATE_LENGTH
    }

    private ByteMutations() {
    }

    /** {@code seed} with one to four mutations applied: one half the time, two a quarter, else three or four. */
    public static byte[] mutated(Gen gen, byte[] seed) {
        byte[] b = seed;
        int n = gen.bool() ? 1 : gen.bool() ? 2 : gen.intBetween(3, 4);
        for (int i = 0; i < n; i++) {
            b = mutate(gen, b);
        }
        return b;
    }

    /** One damage; positions are fractions of the input length so they fit any input. */
    public static byte[] mutate(Gen gen, byte[] in) {
        Kind kind = gen.oneOf(Kind.values());
        int n = in.length;
        int pos = Math.min(n, (int) (gen.fraction() * n));
        int len = Math.max(1, (int) (gen.fraction() * Math.min(n, 64)));
        long value = gen.interestingLong();
        return switch (kind) {
            case FLIP_BIT -> {
                if (n == 0) {
                    yield in;
                }
                byte[] out = in.clone();
                out[Math.min(pos, n - 1)] ^= (byte) (1 << (value & 7));
                yield out;
            }
            case SET_BYTE -> {
                if (n == 0) {
                    yield in;
                }
                byte[] out = in.clone();
                out[Math.min(pos, n - 1)] = (byte) value;
                yield out;
            }
            case TRUNCATE -> Arrays.copyOf(in, pos);
            case DELETE -> splice(in, pos, Math.min(len, n - pos), new byte[0]);
            case DUPLICATE -> splice(in, pos, 0, Arrays.copyOfRange(in, pos, Math.min(n, pos + len)));
            case INSERT -> splice(in, pos, 0, new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16)});
            case INFLATE_LENGTH -> inflateLength(in, pos, value);
        };
    }

    /**
     * Protobuf and Basalt's own formats prefix strings and messages with a varint length. The varint starting at or
     * after {@code from} is replaced by {@code value} (kept positive), so a length can claim more than the body holds.
     */
    public static byte[] inflateLength(byte[] in, int from, long value) {
        if (from >= in.length) {
            return in;
        }
        int end = from;
        while (end < in.length && end - from < 10 && (in[end] & 0x80) != 0) {
            end++;
        }
        end = Math.min(end + 1, in.length);
        return splice(in, from, end - from, varint(value & Long.MAX_VALUE));
    }

    public static byte[] varint(long value) {
        byte[] out = new byte[10];
        int n = 0;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[n++] = (byte) v;
        return Arrays.copyOf(out, n);
    }

    public static byte[] splice(byte[] in, int at, int removed, byte[] inserted) {
        byte[] out = new byte[in.length - removed + inserted.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(in, at + removed, out, at + inserted.length, in.length - at - removed);
        return out;
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
