package io.basalt.fuzzing;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Structure-aware fuzzing: valid encodings are damaged the way a faulty network, a buggy client or an attacker would
 * damage them, so the decoder gets past its first check and its deeper paths are exercised.
 */
public final class ByteMutations {

    /** One damage to apply; positions are fractions of the input length so they fit any input. */
    public record Mutation(Kind kind, double at, double span, long value) {

        byte[] apply(byte[] in) {
            int n = in.length;
            int pos = (int) (at * n);
            int len = Math.max(1, (int) (span * Math.min(n, 64)));
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
                case INSERT -> splice(in, pos, 0,
                        new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16)});
                case INFLATE_LENGTH -> inflateLength(in, pos, value);
            };
        }
    }

    public enum Kind {
        FLIP_BIT, SET_BYTE, TRUNCATE, DELETE, DUPLICATE, INSERT, INFLATE_LENGTH
    }

    private ByteMutations() {
    }

    public static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1), interestingValues())
                .as(Mutation::new);
    }

    /** {@code seeds} with one to four mutations applied. */
    public static Arbitrary<byte[]> mutated(Arbitrary<byte[]> seeds) {
        return Combinators.combine(seeds, mutation().list().ofMinSize(1).ofMaxSize(4)).as(ByteMutations::applyAll);
    }

    public static byte[] applyAll(byte[] seed, List<Mutation> mutations) {
        byte[] b = seed;
        for (Mutation m : mutations) {
            b = m.apply(b);
        }
        return b;
    }

    /** Boundaries where off-by-one and overflow bugs live, mixed with arbitrary values. */
    public static Arbitrary<Long> interestingValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 0x7FL, 0x80L, 0xFFL, 0x7FFFL, 0xFFFFL, 0x7FFF_FFFFL, 0x8000_0000L,
                        0xFFFF_FFFFL, 1L << 35, Long.MAX_VALUE, -1L, Long.MIN_VALUE, 32L << 20, (32L << 20) + 1),
                Arbitraries.longs());
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
}
