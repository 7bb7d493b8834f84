package io.basalt.fuzzing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A source of generated values that both kinds of test share: a seeded {@link SplittableRandom} for the plain seeded
 * tests that run in every build ({@link Seeded}), or Jazzer's {@link FuzzedDataProvider} inside a {@code @FuzzTest},
 * where the fuzzer steers every choice by coverage. The structure-aware builders of the fuzz tests are written once
 * against this class and so run in both.
 *
 * <p>With a {@link FuzzedDataProvider} an exhausted input yields the smallest choice (0, the lower bound, an empty
 * list), so every generator terminates.
 */
public abstract class Gen {

    /** Where overflow and off-by-one bugs live. */
    public static final long[] INTERESTING = {0L, 1L, 0x7FL, 0x80L, 0xFFL, 0x7FFFL, 0xFFFFL, 0x7FFF_FFFFL,
        0x8000_0000L, 0xFFFF_FFFFL, 1L << 35, Long.MAX_VALUE, -1L, Long.MIN_VALUE, 32L << 20, (32L << 20) + 1};

    public static Gen seeded(long seed) {
        return new Random(new SplittableRandom(seed));
    }

    public static Gen of(FuzzedDataProvider data) {
        return new Fuzzed(data);
    }

    /** A value in {@code [min, max]}. */
    public abstract int intBetween(int min, int max);

    /** A value in {@code [min, max]}. */
    public abstract long longBetween(long min, long max);

    /** Any {@code long}. */
    public abstract long anyLong();

    /** A value in {@code [0, 1]}. */
    public abstract double fraction();

    public abstract boolean bool();

    /** Up to {@code maxLength} arbitrary bytes. */
    public abstract byte[] bytes(int maxLength);

    public final int anyInt() {
        return (int) anyLong();
    }

    /** Any double bit pattern: NaNs with payloads, subnormals, infinities, negative zero. */
    public final double anyDoubleBits() {
        return Double.longBitsToDouble(anyLong());
    }

    /** A double that is often ordinary, often special. */
    public final double anyDouble() {
        return switch (intBetween(0, 3)) {
            case 0 -> anyDoubleBits();
            case 1 -> (fraction() - 0.5) * Math.pow(10, intBetween(-10, 20));
            case 2 -> longBetween(-1_000_000, 1_000_000);
            default -> oneOf(Double.NaN, -0.0, 0.0, 1.0, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.longBitsToDouble(0x7ff0000000000002L));
        };
    }

    /** Half the time one of {@link #INTERESTING}, else any long. */
    public final long interestingLong() {
        return bool() ? INTERESTING[intBetween(0, INTERESTING.length - 1)] : anyLong();
    }

    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return choices[intBetween(0, choices.length - 1)];
    }

    public final <T> T pick(List<T> choices) {
        return choices.get(intBetween(0, choices.size() - 1));
    }

    public final <T> List<T> list(int minSize, int maxSize, Function<Gen, T> element) {
        int n = intBetween(minSize, maxSize);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.apply(this));
        }
        return out;
    }

    /** A string of {@code [min, max]} code points drawn from {@code alphabet}. */
    public final String string(String alphabet, int minLength, int maxLength) {
        int[] cps = alphabet.codePoints().toArray();
        int n = intBetween(minLength, maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(cps[intBetween(0, cps.length - 1)]);
        }
        return b.toString();
    }

    /**
     * A string of {@code [min, max]} code points, mostly printable ASCII, some from the rest of the basic plane
     * (surrogates excluded) and some supplementary (encoded as surrogate pairs).
     */
    public final String text(int minLength, int maxLength) {
        int n = intBetween(minLength, maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(switch (intBetween(0, 7)) {
                case 0 -> intBetween(0, 0xD7FF);
                case 1 -> intBetween(0x10000, 0x10FFFF);
                case 2 -> intBetween(0xE000, 0xFFFF);
                default -> intBetween(0x20, 0x7E);
            });
        }
        return b.toString();
    }

    /** Any string of up to {@code maxLength} chars, lone surrogates and control characters included. */
    public final String anyString(int maxLength) {
        int n = intBetween(0, maxLength);
        char[] cs = new char[n];
        for (int i = 0; i < n; i++) {
            cs[i] = (char) intBetween(0, bool() ? 0x7F : 0xFFFF);
        }
        return new String(cs);
    }

    private static final class Random extends Gen {

        private final SplittableRandom random;

        Random(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public int intBetween(int min, int max) {
            return min == max ? min : (int) random.nextLong(min, (long) max + 1);
        }

        @Override
        public long longBetween(long min, long max) {
            if (max == Long.MAX_VALUE) {
                return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
            }
            return random.nextLong(min, max + 1);
        }

        @Override
        public long anyLong() {
            return random.nextLong();
        }

        @Override
        public double fraction() {
            return random.nextInt(1000) == 0 ? 1.0 : random.nextDouble();
        }

        @Override
        public boolean bool() {
            return random.nextBoolean();
        }

        @Override
        public byte[] bytes(int maxLength) {
            byte[] out = new byte[random.nextInt(maxLength + 1)];
            random.nextBytes(out);
            return out;
        }
    }

    private static final class Fuzzed extends Gen {

        private final FuzzedDataProvider data;

        Fuzzed(FuzzedDataProvider data) {
            this.data = data;
        }

        @Override
        public int intBetween(int min, int max) {
            return data.consumeInt(min, max);
        }

        @Override
        public long longBetween(long min, long max) {
            return data.consumeLong(min, max);
        }

        @Override
        public long anyLong() {
            return data.consumeLong();
        }

        @Override
        public double fraction() {
            return data.consumeProbabilityDouble();
        }

        @Override
        public boolean bool() {
            return data.consumeBoolean();
        }

        @Override
        public byte[] bytes(int maxLength) {
            return data.consumeBytes(maxLength);
        }
    }
}
