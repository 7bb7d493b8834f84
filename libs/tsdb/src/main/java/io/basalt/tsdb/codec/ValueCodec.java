package io.basalt.tsdb.codec;

/**
 * Encodes a block's values losslessly, picking the smallest of: one constant; exact decimal mantissas with a constant
 * step, first differences (gauges) or second differences (counters), with up to n/16 undecimal values (NaN, ±Inf,
 * -0.0, long fractions) stored raw as exceptions; or Gorilla XOR for everything else.
 */
public final class ValueCodec {

    static final int CONSTANT = 1;

    static final int DECIMAL_CONST_STEP = 2;

    static final int DECIMAL_DELTA = 3;

    static final int DECIMAL_DELTA2 = 4;

    static final int XOR = 5;

    private ValueCodec() {
    }

    public static byte[] encode(double[] values, int n) {
        if (n == 0) {
            throw new IllegalArgumentException("empty block");
        }
        long[] bits = new long[n];
        boolean constant = true;
        for (int i = 0; i < n; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
            constant &= bits[i] == bits[0];
        }
        BytesOut out = new BytesOut(16 + n * 2);
        out.writeByte(0);
        if (constant) {
            out.writeLong(bits[0]);
            byte[] b = out.toArray();
            b[0] = CONSTANT;
            return b;
        }
        // A few odd values (a staleness marker ending a series) must not push a whole block off the decimal path.
        DecimalConversion.Decimals dec = DecimalConversion.toDecimals(values, n, Math.max(1, n / 16));
        if (dec == null) {
            XorCodec.encode(bits, n, out);
            return StreamFraming.finish(XOR, out, n);
        }
        long[] m = dec.mantissas();
        out.writeByte(dec.exponent());
        out.writeUVarint(dec.exceptionCount());
        int last = 0;
        for (int e = 0; e < dec.exceptionCount(); e++) {
            int at = dec.exceptions()[e];
            out.writeUVarint(at - last).writeLong(bits[at]);
            last = at;
        }
        out.writeVarint(m[0]);
        long step = m[1] - m[0];
        long delta1Size = 0;
        long delta2Size = 0;
        boolean constStep = true;
        for (int i = 1; i < n; i++) {
            long d = m[i] - m[i - 1];
            delta1Size += BytesOut.varintSize(d);
            delta2Size += BytesOut.varintSize(i == 1 ? d : d - (m[i - 1] - m[i - 2]));
            constStep &= d == step;
        }
        if (constStep) {
            out.writeVarint(step);
            byte[] b = out.toArray();
            b[0] = DECIMAL_CONST_STEP;
            return b;
        }
        if (delta2Size < delta1Size) {
            long prev = 0;
            for (int i = 1; i < n; i++) {
                long d = m[i] - m[i - 1];
                out.writeVarint(d - prev);
                prev = d;
            }
            return StreamFraming.finish(DECIMAL_DELTA2, out, n);
        }
        for (int i = 1; i < n; i++) {
            out.writeVarint(m[i] - m[i - 1]);
        }
        return StreamFraming.finish(DECIMAL_DELTA, out, n);
    }

    public static double[] decode(byte[] stored, int n) {
        BytesIn in = StreamFraming.open(stored);
        int kind = in.readByte();
        double[] values = new double[n];
        if (n == 0) {
            return values;
        }
        if (kind == CONSTANT) {
            double v = Double.longBitsToDouble(in.readLong());
            java.util.Arrays.fill(values, v);
            return values;
        }
        if (kind == XOR) {
            long[] bits = new long[n];
            XorCodec.decode(in, n, bits);
            for (int i = 0; i < n; i++) {
                values[i] = Double.longBitsToDouble(bits[i]);
            }
            return values;
        }
        int exponent = in.readByte();
        if (exponent > DecimalConversion.MAX_EXPONENT) {
            throw new CorruptDataException("decimal exponent " + exponent + " out of range");
        }
        int exceptions = in.readCount(n);
        int[] exceptionAt = new int[exceptions];
        long[] exceptionBits = new long[exceptions];
        int at = 0;
        for (int e = 0; e < exceptions; e++) {
            at += (int) in.readUVarint();
            if (at < 0 || at >= n) {
                throw new CorruptDataException("value exception index " + at + " out of range");
            }
            exceptionAt[e] = at;
            exceptionBits[e] = in.readLong();
        }
        long m = in.readVarint();
        values[0] = DecimalConversion.toDouble(m, exponent);
        switch (kind) {
            case DECIMAL_CONST_STEP -> {
                long step = in.readVarint();
                for (int i = 1; i < n; i++) {
                    m += step;
                    values[i] = DecimalConversion.toDouble(m, exponent);
                }
            }
            case DECIMAL_DELTA -> {
                for (int i = 1; i < n; i++) {
                    m += in.readVarint();
                    values[i] = DecimalConversion.toDouble(m, exponent);
                }
            }
            case DECIMAL_DELTA2 -> {
                long d = 0;
                for (int i = 1; i < n; i++) {
                    d += in.readVarint();
                    m += d;
                    values[i] = DecimalConversion.toDouble(m, exponent);
                }
            }
            default -> throw new CorruptDataException("unknown value encoding " + kind);
        }
        for (int e = 0; e < exceptions; e++) {
            values[exceptionAt[e]] = Double.longBitsToDouble(exceptionBits[e]);
        }
        return values;
    }
}
