package io.basalt.tsdb.codec;

/**
 * Finds, for a block of doubles, one power of ten that turns every value into an integer mantissa which converts
 * back to the very same bits. Exporters print values with a few decimals, whose binary mantissas look random to an
 * XOR codec but become small integers here. Unlike VictoriaMetrics' conversion this never rounds: a value that does
 * not round-trip exactly sends the whole block to the XOR codec.
 */
public final class DecimalConversion {

    /** Largest exponent tried; 10^22 is the largest power of ten a double holds exactly. */
    static final int MAX_EXPONENT = 15;

    /** Mantissas stay within 2^53 so they are exact doubles and their second differences cannot overflow. */
    static final long MAX_MANTISSA = 1L << 53;

    static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private DecimalConversion() {
    }

    /**
     * A block as integer mantissas over one power of ten. Values with no exact decimal form (NaN payloads such as the
     * staleness marker, infinities, -0.0, full-precision doubles) are exceptions kept as raw bits; their mantissa
     * slot repeats a neighbour so differences stay small.
     */
    public record Decimals(int exponent, long[] mantissas, int[] exceptions, int exceptionCount) {
    }

    /**
     * Converts {@code values}, or returns null when more than {@code maxExceptions} values (or all of them) lack an
     * exact decimal form, or when a common exponent would overflow a mantissa. For every non-exception
     * {@code mantissas[i] / 10^exponent == values[i]} bit for bit.
     */
    public static Decimals toDecimals(double[] values, int n, int maxExceptions) {
        long[] m = new long[n];
        byte[] exps = new byte[n];
        int[] histogram = new int[MAX_EXPONENT + 1];
        int invalid = 0;
        for (int i = 0; i < n; i++) {
            int e = exponentOf(values[i]);
            exps[i] = (byte) e;
            if (e < 0) {
                if (++invalid > maxExceptions) {
                    return null;
                }
                continue;
            }
            histogram[e]++;
            m[i] = Math.round(values[i] * POW10[e]);
        }
        // The smallest common exponent that leaves few enough values over: one long fraction (say pi) among
        // two-decimal values must become an exception, not force every mantissa up by 13 digits.
        int common = -1;
        int over = n - invalid;
        for (int e = 0; e <= MAX_EXPONENT; e++) {
            over -= histogram[e];
            if (invalid + over <= maxExceptions) {
                common = e;
                break;
            }
        }
        if (common < 0 || invalid == n) {
            return null;
        }
        int[] exceptions = new int[Math.min(n, maxExceptions)];
        int count = 0;
        int firstExact = -1;
        for (int i = 0; i < n; i++) {
            int e = exps[i];
            boolean exact = e >= 0 && e <= common;
            if (exact && e < common) {
                long factor = (long) POW10[common - e];
                exact = Math.abs(m[i]) <= MAX_MANTISSA / factor;
                m[i] = exact ? m[i] * factor : m[i];
            }
            if (!exact) {
                if (count == exceptions.length) {
                    return null;
                }
                exceptions[count++] = i;
            }
            else if (firstExact < 0) {
                firstExact = i;
            }
        }
        if (firstExact < 0) {
            return null;
        }
        // An exception's slot repeats its predecessor (or the first exact value) so differences stay small.
        for (int k = 0; k < count; k++) {
            int at = exceptions[k];
            m[at] = at == 0 || at < firstExact ? m[firstExact] : m[at - 1];
        }
        return new Decimals(common, m, exceptions, count);
    }

    /** The smallest exponent that makes {@code v} an exact decimal, or -1. */
    static int exponentOf(double v) {
        if (Double.doubleToRawLongBits(v) == Long.MIN_VALUE || Double.isNaN(v) || Double.isInfinite(v)) {
            return -1;
        }
        for (int e = 0; e <= MAX_EXPONENT; e++) {
            double scaled = v * POW10[e];
            if (Math.abs(scaled) > MAX_MANTISSA) {
                return -1;
            }
            long m = Math.round(scaled);
            if (m / POW10[e] == v) {
                return e;
            }
        }
        return -1;
    }

    public static double toDouble(long mantissa, int exponent) {
        return exponent == 0 ? (double) mantissa : mantissa / POW10[exponent];
    }
}
