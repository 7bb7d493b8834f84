package io.basalt.promql.engine;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as a given double, with the digits Go's {@code strconv} picks: among the
 * decimals with the fewest significant digits inside the double's rounding interval, the one closest to it (ties to
 * an even last digit). Computed with Schubfach (Raffaello Giulietti, "The Schubfach way to render doubles", 2020):
 * the rounding interval is scaled by a power of ten so that it is between 1 and 10 wide, which leaves at most one
 * multiple of ten and two neighbouring integers to consider; the scaling uses a 126-bit approximation of the power of
 * ten and round-to-odd, which the paper shows keeps every comparison exact. No allocation per call.
 *
 * <p>{@link #appendPlain} writes Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, which Prometheus uses for sample
 * values in its HTTP API and for {@code count_values} labels. Unlike Java 19+'s {@code Double.toString} (also
 * Schubfach) there is no two-digit minimum: 5e-324 stays one digit; Java 17's is not always shortest at all.
 * An instance holds the last result ({@link #digits()}, {@link #exponent()}), so it is not thread-safe.
 */
public final class ShortestDecimal {

    /** Exponent of a subnormal's significand, and of the smallest normal's. */
    private static final int Q_MIN = -1074;

    /** The implicit leading bit of a normal double's significand. */
    private static final long HIDDEN_BIT = 1L << 52;

    private static final long MASK_63 = Long.MAX_VALUE;

    /** Range of powers of ten the scaling needs: 10^-k for every k that a double's exponent can give. */
    private static final int POW10_MIN = -292;

    private static final int POW10_MAX = 324;

    /** For e in [POW10_MIN, POW10_MAX]: floor(10^e * 2^(125 - floor(e log2 10))) + 1, split into bits 126..63, 62..0. */
    private static final long[] POW10_HIGH = new long[POW10_MAX - POW10_MIN + 1];

    private static final long[] POW10_LOW = new long[POW10_MAX - POW10_MIN + 1];

    static {
        // Computed once rather than pasted as a table: exact integer arithmetic, about a millisecond.
        for (int e = POW10_MIN; e <= POW10_MAX; e++) {
            int shift = 125 - floorLog2Pow10(e);
            BigInteger g;
            if (e >= 0) {
                BigInteger p = BigInteger.TEN.pow(e);
                g = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
            }
            else {
                g = BigInteger.ONE.shiftLeft(shift).divide(BigInteger.TEN.pow(-e));
            }
            g = g.add(BigInteger.ONE);
            POW10_HIGH[e - POW10_MIN] = g.shiftRight(63).longValueExact();
            POW10_LOW[e - POW10_MIN] = g.longValue() & MASK_63;
        }
    }

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private long digits;

    private int exponent;

    /**
     * Most bytes {@link #writePlain} writes: a negative subnormal is "-0.", up to 323 zeros and up to 17 digits; the
     * largest double has 309 digits.
     */
    public static final int MAX_PLAIN_LENGTH = 3 + 323 + 17;

    /** Room for {@link #appendPlain}, which formats into it first. */
    private byte[] scratch;

    /**
     * Appends {@code v} as Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: the shortest digits that read back as
     * {@code v}, never an exponent ({@code 1e21} is 22 characters), {@code -0} for negative zero; and as Prometheus
     * writes the others, {@code NaN}, {@code +Inf}, {@code -Inf}.
     */
    public void appendPlain(StringBuilder out, double v) {
        if (scratch == null) {
            scratch = new byte[MAX_PLAIN_LENGTH];
        }
        int end = writePlain(scratch, 0, v);
        for (int i = 0; i < end; i++) {
            out.append((char) scratch[i]);
        }
    }

    /**
     * Writes {@link #appendPlain}'s text as ASCII bytes into {@code dst} from {@code at}, which must leave
     * {@link #MAX_PLAIN_LENGTH} bytes of room; returns the position after the last byte written.
     */
    public int writePlain(byte[] dst, int at, double v) {
        if (Double.isNaN(v)) {
            return ascii(dst, at, "NaN");
        }
        if (Double.isInfinite(v)) {
            return ascii(dst, at, v > 0 ? "+Inf" : "-Inf");
        }
        if (Double.doubleToRawLongBits(v) < 0) {
            dst[at++] = '-';
            v = -v;
        }
        if (v == 0) {
            dst[at++] = '0';
            return at;
        }
        of(v);
        int count = digitCount(digits);
        if (exponent >= 0) {
            at = writeDigits(dst, at, digits, count);
            return zeros(dst, at, exponent);
        }
        int pointAt = count + exponent;
        if (pointAt > 0) {
            long scale = POWERS_OF_TEN[-exponent];
            at = writeDigits(dst, at, digits / scale, pointAt);
            dst[at++] = '.';
            return writeDigits(dst, at, digits % scale, -exponent);
        }
        dst[at++] = '0';
        dst[at++] = '.';
        at = zeros(dst, at, -pointAt);
        return writeDigits(dst, at, digits, count);
    }

    /** {@link #appendPlain} as a String. */
    public static String plain(double v) {
        StringBuilder out = new StringBuilder(24);
        new ShortestDecimal().appendPlain(out, v);
        return out.toString();
    }

    /** Writes {@code n >= 0} as exactly {@code width} digits, with leading zeros if it has fewer. */
    private static int writeDigits(byte[] dst, int at, long n, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return at + width;
    }

    private static int zeros(byte[] dst, int at, int n) {
        for (int i = 0; i < n; i++) {
            dst[at++] = '0';
        }
        return at;
    }

    private static int ascii(byte[] dst, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            dst[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /** How many decimal digits {@code n >= 0} has (0 has one). */
    private static int digitCount(long n) {
        // log10 from the bit length (1233 / 4096 is just above log10(2)), then one correction.
        int estimate = (64 - Long.numberOfLeadingZeros(n | 1)) * 1233 >>> 12;
        return estimate < POWERS_OF_TEN.length && n >= POWERS_OF_TEN[estimate] ? estimate + 1 : Math.max(estimate, 1);
    }

    /** Significant digits of the last result, without trailing zeros. */
    long digits() {
        return digits;
    }

    /** The last result is {@code digits() * 10^exponent()}. */
    int exponent() {
        return exponent;
    }

    /** Computes the shortest decimal of {@code v}, which must be finite and greater than zero. */
    void of(double v) {
        long bits = Double.doubleToRawLongBits(v);
        long fraction = bits & (HIDDEN_BIT - 1);
        int biasedExponent = (int) (bits >>> 52) & 0x7ff;
        long c;
        int q;
        if (biasedExponent == 0) {
            c = fraction;
            q = Q_MIN;
        }
        else {
            c = fraction | HIDDEN_BIT;
            q = biasedExponent - 1075;
        }
        if (q <= 0 && q > -53 && (c & ((1L << -q) - 1)) == 0) {
            // An integer below 2^53: every integer near it is a double too, so it is its own shortest form.
            set(c >> -q, 0);
            return;
        }
        scaled(c, q);
    }

    /** Schubfach proper for {@code v = c * 2^q}. */
    private void scaled(long c, int q) {
        // Bounds of the rounding interval in units of 2^(q-2). Both ends read back only when c is even
        // (round half to even), hence "excluded" below.
        long excluded = c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != HIDDEN_BIT || q == Q_MIN) {
            cbl = cb - 2;
            k = floorLog10Pow2(q);
        }
        else {
            // At a power of two the next double down is half as far away as the next one up.
            cbl = cb - 1;
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 2;
        long g1 = POW10_HIGH[-k - POW10_MIN];
        long g0 = POW10_LOW[-k - POW10_MIN];
        // 4 * v * 10^-k and the interval's ends, scaled alike; the interval is now between 1 and 10 wide.
        long vb = roundToOdd(g1, g0, cb << h);
        long vbl = roundToOdd(g1, g0, cbl << h);
        long vbr = roundToOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 10) {
            // At most one multiple of ten fits in the interval; if one does, it has fewer digits than any other.
            long sp10 = s / 10 * 10;
            long tp10 = sp10 + 10;
            boolean lowerIn = vbl + excluded <= sp10 << 2;
            boolean upperIn = (tp10 << 2) + excluded <= vbr;
            if (lowerIn != upperIn) {
                set(lowerIn ? sp10 : tp10, k);
                return;
            }
        }
        // Otherwise s or s + 1, whichever lies inside; if both do, the closer one, on a tie the even one.
        long t = s + 1;
        boolean sIn = vbl + excluded <= s << 2;
        boolean tIn = (t << 2) + excluded <= vbr;
        if (sIn != tIn) {
            set(sIn ? s : t, k);
            return;
        }
        long fromMidpoint = vb - ((s + t) << 1);
        set(fromMidpoint < 0 || fromMidpoint == 0 && (s & 1) == 0 ? s : t, k);
    }

    private void set(long d, int e) {
        // Short values come out with up to 16 trailing zeros (1000.07 is 100007 followed by ten): strip them in
        // steps of 8, 4, 2 and 1 rather than one at a time.
        while (d % 100_000_000 == 0) {
            d /= 100_000_000;
            e += 8;
        }
        if (d % 10_000 == 0) {
            d /= 10_000;
            e += 4;
        }
        if (d % 100 == 0) {
            d /= 100;
            e += 2;
        }
        if (d % 10 == 0) {
            d /= 10;
            e++;
        }
        digits = d;
        exponent = e;
    }

    /**
     * The top bits of {@code g * cp / 2^127} (g = g1 * 2^63 + g0) with the lowest bit set when any bit below was, so
     * that the result is never mistaken for an exact value.
     */
    private static long roundToOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long high = y1 + (z >>> 63);
        return high | ((z & MASK_63) + MASK_63) >>> 63;
    }

    /** floor(q * log10(2)) for |q| up to a few thousand (checked over every exponent by the tests). */
    static int floorLog10Pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    /** floor(log10(3/4 * 2^q)). */
    static int floorLog10ThreeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** floor(e * log2(10)). */
    static int floorLog2Pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }
}
