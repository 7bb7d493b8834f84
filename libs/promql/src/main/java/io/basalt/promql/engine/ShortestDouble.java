package io.basalt.promql.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal that reads back as the same double, as Go's strconv produces. Java 17's
 * {@link Double#toString(double)} sometimes prints more digits than needed.
 */
final class ShortestDouble {

    private ShortestDouble() {
    }

    /** A finite value's shortest round-trip digits in scientific or plain notation (parseable by BigDecimal). */
    static String toString(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == v) {
                return candidate.toString();
            }
        }
        return exact.toString();
    }
}
