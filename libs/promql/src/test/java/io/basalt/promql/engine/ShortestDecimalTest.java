package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDecimal} against a literal, slow statement of Go's rule, and its integer approximations of
 * logarithms against exact arithmetic. select-service's PrometheusNumbersTest compares it over millions of values
 * with the BigDecimal formatting it replaced.
 */
class ShortestDecimalTest {

    @Test
    void plainDecimalsAreGoShortestForm() {
        assertThat(ShortestDecimal.plain(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(ShortestDecimal.plain(1e21)).isEqualTo("1000000000000000000000");
        assertThat(ShortestDecimal.plain(-0.0)).isEqualTo("-0");
        assertThat(ShortestDecimal.plain(Double.NaN)).isEqualTo("NaN");
        assertThat(ShortestDecimal.plain(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(ShortestDecimal.plain(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5");
        assertThat(ShortestDecimal.plain(Math.scalb(1.0, -24))).isEqualTo("0.00000005960464477539063");
        assertThat(ShortestDecimal.plain(Double.MAX_VALUE)).isEqualTo("17976931348623157" + "0".repeat(292));
    }

    @Test
    void noValueIsLongerThanTheRoomWritePlainAsksFor() {
        int longest = 0;
        for (long bits = 1; bits < 1L << 52; bits = bits * 3 + 1) {
            longest = Math.max(longest, ShortestDecimal.plain(-Double.longBitsToDouble(bits)).length());
        }
        longest = Math.max(longest, ShortestDecimal.plain(-Double.MAX_VALUE).length());
        longest = Math.max(longest, ShortestDecimal.plain(-Double.MIN_NORMAL).length());
        assertThat(longest).isGreaterThan(320).isLessThanOrEqualTo(ShortestDecimal.MAX_PLAIN_LENGTH);
    }

    @Test
    void randomDoublesOfEveryKindMatchGoRuleStatedLiterally() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int i = 0; i < 50_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(v)) {
                assertThat(ShortestDecimal.plain(v)).as("%s", v).isEqualTo(goShortest(v));
            }
        }
        for (int e = -1074; e <= 1023; e++) {
            double v = Math.scalb(1.0, e);
            for (double near : new double[] { v, Math.nextUp(v), Math.nextDown(v) }) {
                if (near > 0 && Double.isFinite(near)) {
                    assertThat(ShortestDecimal.plain(near)).as("%s", near).isEqualTo(goShortest(near));
                }
            }
        }
    }

    @Test
    void theScalingApproximationsAreExactForEveryExponentADoubleHas() {
        for (int q = -1100; q <= 1100; q++) {
            BigInteger[] twoToQ = power(BigInteger.TWO, q);
            assertThat(ShortestDecimal.floorLog10Pow2(q)).as("floor(log10(2^%d))", q).isEqualTo(floorLog10(twoToQ));
            BigInteger[] threeQuarters = { twoToQ[0].multiply(BigInteger.valueOf(3)), twoToQ[1].shiftLeft(2) };
            assertThat(ShortestDecimal.floorLog10ThreeQuartersPow2(q)).as("floor(log10(3/4 2^%d))", q)
                .isEqualTo(floorLog10(threeQuarters));
        }
        for (int e = -400; e <= 400; e++) {
            BigInteger[] tenToE = power(BigInteger.TEN, e);
            int exact = e >= 0 ? tenToE[0].bitLength() - 1 : -(tenToE[1].subtract(BigInteger.ONE).bitLength());
            assertThat(ShortestDecimal.floorLog2Pow10(e)).as("floor(log2(10^%d))", e).isEqualTo(exact);
        }
    }

    /**
     * Of the decimals with the fewest significant digits that read back as {@code v}, the closest to it, on a tie
     * the one with an even last digit; only the two n-digit decimals around v can be closest.
     */
    static String goShortest(double v) {
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(v);
        for (int n = 1; n <= 17; n++) {
            BigDecimal down = exact.round(new MathContext(n, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(n, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == v;
            boolean upOk = up.doubleValue() == v;
            if (!downOk && !upOk) {
                continue;
            }
            BigDecimal pick = downOk && upOk
                    ? exact.round(new MathContext(n, RoundingMode.HALF_EVEN))
                    : downOk ? down : up;
            return pick.stripTrailingZeros().toPlainString();
        }
        throw new AssertionError("no 17-digit decimal reads back as " + v);
    }

    /** base^e as a fraction {numerator, denominator}. */
    private static BigInteger[] power(BigInteger base, int e) {
        return e >= 0 ? new BigInteger[] { base.pow(e), BigInteger.ONE }
                : new BigInteger[] { BigInteger.ONE, base.pow(-e) };
    }

    /** floor(log10(num / den)), exactly. */
    private static int floorLog10(BigInteger[] fraction) {
        BigInteger num = fraction[0];
        BigInteger den = fraction[1];
        int k = num.toString().length() - den.toString().length();
        while (!atLeastPowerOfTen(num, den, k)) {
            k--;
        }
        while (atLeastPowerOfTen(num, den, k + 1)) {
            k++;
        }
        return k;
    }

    private static boolean atLeastPowerOfTen(BigInteger num, BigInteger den, int k) {
        return k >= 0 ? num.compareTo(den.multiply(BigInteger.TEN.pow(k))) >= 0
                : num.multiply(BigInteger.TEN.pow(-k)).compareTo(den) >= 0;
    }
}
