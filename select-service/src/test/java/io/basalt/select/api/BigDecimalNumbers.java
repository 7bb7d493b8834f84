package io.basalt.select.api;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The formatting PrometheusJson used before {@link JsonOutput}, through BigDecimal: kept as the oracle the new
 * code is compared with, together with {@link #goShortest}, a slow but plainly correct statement of Go's rule used to
 * settle the cases where the two disagree.
 */
final class BigDecimalNumbers {

    private BigDecimalNumbers() {
    }

    static String timestamp(long ms) {
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    /** PrometheusJson.formatValue as it was. */
    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return shortest(v).stripTrailingZeros().toPlainString();
    }

    private static BigDecimal shortest(double v) {
        BigDecimal printed = new BigDecimal(Double.toString(v));
        if (printed.stripTrailingZeros().precision() <= 15) {
            return printed;
        }
        BigDecimal exact = new BigDecimal(v);
        int digits = 15;
        if (readsBack(exact, digits, v)) {
            while (digits > 1 && readsBack(exact, digits - 1, v)) {
                digits--;
            }
        }
        else {
            while (digits < 17 && !readsBack(exact, digits, v)) {
                digits++;
            }
        }
        return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    }

    private static boolean readsBack(BigDecimal exact, int digits, double v) {
        return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN)).doubleValue() == v;
    }

    /**
     * Go's rule, literally: of the decimals with the fewest significant digits that read back as {@code v}, the
     * closest to it, on a tie the one with an even last digit. Only the two n-digit decimals around v can be closest.
     */
    static String goShortest(double v) {
        if (!Double.isFinite(v) || v == 0) {
            return formatValue(v);
        }
        BigDecimal exact = new BigDecimal(v);
        for (int n = 1; n <= 17; n++) {
            BigDecimal down = exact.round(new MathContext(n, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(n, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == v;
            boolean upOk = up.doubleValue() == v;
            BigDecimal pick;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                pick = cmp < 0 ? down : cmp > 0 ? up : exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
            }
            else if (downOk || upOk) {
                pick = downOk ? down : up;
            }
            else {
                continue;
            }
            return pick.stripTrailingZeros().toPlainString();
        }
        throw new AssertionError("no 17-digit decimal reads back as " + v);
    }
}
