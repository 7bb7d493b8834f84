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
     * Fills {@code mantissas} so that {@code mantissas[i] / 10^e == values[i]} bit for bit, and returns e, or -1 when
     * no common exponent works (NaN, infinities, -0.0, too many significant digits).
     */
    public static int toMantissas(double[] values, int n, long[] mantissas) {
        int[] exps = null;
        int common = 0;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            int e = exponentOf(v);
            if (e < 0) {
                return -1;
            }
            if (e > 0 && exps == null) {
                exps = new int[n];
            }
            if (exps != null) {
                exps[i] = e;
            }
            mantissas[i] = Math.round(v * POW10[e]);
            common = Math.max(common, e);
        }
        if (common == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            int shift = common - exps[i];
            if (shift > 0) {
                long scaled = mantissas[i] * (long) POW10[shift];
                if (Math.abs(mantissas[i]) > MAX_MANTISSA / (long) POW10[shift] || Math.abs(scaled) > MAX_MANTISSA) {
                    return -1;
                }
                mantissas[i] = scaled;
            }
        }
        return common;
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
