package io.basalt.wire.vmnative;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.basalt.model.StaleMarker;
import java.util.Arrays;

/**
 * The column encodings of a VictoriaMetrics block: timestamps and value mantissas are both int64 columns, each stored
 * with one marshal type, and values are decimals (mantissa × 10^scale, one scale per block).
 *
 * <p>Marshal types: 1 = zstd of type 5, 2 = constant delta, 3 = constant, 4 = zstd of type 6, 5 = deltas of deltas
 * ("nearest delta 2"), 6 = deltas ("nearest delta"). Every integer in a column's data is a zigzag varint.
 */
final class VmNativeColumns {

    /** Mantissas with a meaning of their own, whatever the scale. */
    static final long POSITIVE_INFINITY = Long.MAX_VALUE;

    static final long NEGATIVE_INFINITY = Long.MIN_VALUE;

    static final long STALE_NAN = Long.MAX_VALUE - 1;

    /** 10^0 … 10^31 and 10^0, 10^32, … 10^288: a power of ten is one product of the two, as Go's math.Pow10. */
    private static final double[] POW10_LOW = new double[32];

    private static final double[] POW10_HIGH = new double[10];

    static {
        for (int i = 0; i < POW10_LOW.length; i++) {
            POW10_LOW[i] = Double.parseDouble("1e" + i);
        }
        for (int i = 0; i < POW10_HIGH.length; i++) {
            POW10_HIGH[i] = Double.parseDouble("1e" + (32 * i));
        }
    }

    private VmNativeColumns() {
    }

    /**
     * @param type     the marshal type byte
     * @param data     the column's bytes
     * @param first    the first item (stored in the block header, not in {@code data})
     * @param count    how many items the column holds
     * @param what     {@code "timestamps"} or {@code "values"}, for error messages
     */
    static long[] decode(int type, byte[] data, long first, int count, String what) {
        return switch (type) {
            case 1 -> nearestDelta2(unzstd(data, count, what), first, count, what);
            case 2 -> deltaConst(data, first, count, what);
            case 3 -> constant(data, first, count, what);
            case 4 -> nearestDelta(unzstd(data, count, what), first, count, what);
            case 5 -> nearestDelta2(data, first, count, what);
            case 6 -> nearestDelta(data, first, count, what);
            default -> throw new VmNativeFormatException(what + ": unknown marshal type " + type);
        };
    }

    /** The float64 VictoriaMetrics exports for a decimal: mantissa then scaled, as its decimal.ToFloat. */
    static double toDouble(long mantissa, int scale) {
        if (mantissa == POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        if (mantissa == NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (mantissa == STALE_NAN) {
            return StaleMarker.VALUE;
        }
        double f = mantissa;
        return scale < 0 ? f / pow10(-scale) : f * pow10(scale);
    }

    /** 10^n for n ≥ 0, +Inf past the double range. */
    private static double pow10(int n) {
        if (n > 308) {
            return Double.POSITIVE_INFINITY;
        }
        return POW10_HIGH[n / 32] * POW10_LOW[n % 32];
    }

    private static long[] constant(byte[] data, long first, int count, String what) {
        if (data.length != 0) {
            throw new VmNativeFormatException(what + ": a constant column carries " + data.length + " data bytes");
        }
        long[] out = new long[count];
        Arrays.fill(out, first);
        return out;
    }

    private static long[] deltaConst(byte[] data, long first, int count, String what) {
        ByteCursor in = new ByteCursor(data, what);
        long delta = in.zigzag();
        in.requireEnd();
        long[] out = new long[count];
        long v = first;
        for (int i = 0; i < count; i++) {
            out[i] = v;
            v += delta;
        }
        return out;
    }

    private static long[] nearestDelta(byte[] data, long first, int count, String what) {
        ByteCursor in = new ByteCursor(data, what);
        long[] out = new long[count];
        long v = first;
        out[0] = v;
        for (int i = 1; i < count; i++) {
            v += in.zigzag();
            out[i] = v;
        }
        in.requireEnd();
        return out;
    }

    private static long[] nearestDelta2(byte[] data, long first, int count, String what) {
        ByteCursor in = new ByteCursor(data, what);
        long[] out = new long[count];
        out[0] = first;
        if (count > 1) {
            long delta = in.zigzag();
            long v = first + delta;
            out[1] = v;
            for (int i = 2; i < count; i++) {
                delta += in.zigzag();
                v += delta;
                out[i] = v;
            }
        }
        in.requireEnd();
        return out;
    }

    /** A column's varints take at most 10 bytes an item, which bounds what the compressed bytes may expand to. */
    private static byte[] unzstd(byte[] data, int count, String what) {
        byte[] out = new byte[count * 10 + 16];
        try {
            long n = Zstd.decompressByteArray(out, 0, out.length, data, 0, data.length);
            if (Zstd.isError(n)) {
                throw new VmNativeFormatException(what + ": invalid zstd data: " + Zstd.getErrorName(n));
            }
            return Arrays.copyOf(out, (int) n);
        }
        catch (ZstdException e) {
            throw new VmNativeFormatException(what + ": invalid zstd data: " + e.getMessage(), e);
        }
    }
}
