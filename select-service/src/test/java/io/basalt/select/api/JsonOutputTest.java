package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonOutput}'s numbers against the BigDecimal formatting they replaced ({@link BigDecimalNumbers}), over
 * millions of seeded random doubles of every kind; where the old code is not Go's shortest form, Go's rule stated
 * plainly ({@link BigDecimalNumbers#goShortest}) decides. Strings against the StringBuilder escaping and
 * {@link String#getBytes} they replaced.
 */
class JsonOutputTest {

    private final List<String> mismatches = new ArrayList<>();

    private final List<Double> oracleNotShortest = new ArrayList<>();

    private long checked;

    @Test
    void valuesAreGoShortestPlainDecimalsAsTheBigDecimalCodeWrote() {
        SplittableRandom random = new SplittableRandom(0x5eed_2026_1207L);
        // Any bit pattern: every exponent, NaNs, infinities, subnormals.
        repeat(1_000_000, () -> check(Double.longBitsToDouble(random.nextLong())));
        // Subnormals, including the smallest significands.
        repeat(200_000, () -> check(Double.longBitsToDouble(random.nextLong(1, 1L << 52))));
        for (long c = 1; c < 2_000; c++) {
            check(Double.longBitsToDouble(c));
        }
        // Integers of every size, and values one step away from them.
        repeat(300_000, () -> {
            double v = random.nextLong() >> random.nextInt(64);
            check(v);
            check(Math.nextUp(v));
            check(Math.nextDown(v));
        });
        // Powers of ten and two and their neighbours; at a power of two the interval is lopsided.
        for (int e = -330; e <= 310; e++) {
            neighbours(Double.parseDouble("1e" + e), this::check);
        }
        for (int e = -1074; e <= 1023; e++) {
            neighbours(Math.scalb(1.0, e), this::check);
        }
        // Sums and products of short decimals, as 0.1 + 0.2.
        repeat(300_000, () -> {
            double a = random.nextInt(1, 10_000) / Math.pow(10, random.nextInt(0, 8));
            double b = random.nextInt(1, 10_000) / Math.pow(10, random.nextInt(0, 8));
            check(a + b);
            check(a * b);
            check(a - b);
        });
        // Short decimals at every scale, which must come back as written.
        repeat(300_000, () -> check(Double.parseDouble(random.nextInt(1, 1_000_000) + "e" + random.nextInt(-330, 300))));
        for (double v : new double[] { 0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.longBitsToDouble(0x7ff0000000000002L), 0.1 + 0.2, 1e15, 1e15 + 0.5, 9007199254740993.0,
            8.0522777147371376E16, 2.82879384806159E17, 5e-324, 1e23, 2e23 }) {
            check(v);
        }

        assertThat(checked).isGreaterThan(3_000_000);
        assertThat(mismatches).as("values formatted unlike Go's shortest form").isEmpty();
        // The old code differed from Go in two kinds of values only: subnormals, where it trusted Java 17's
        // Double.toString (not always shortest there: 1.0118E-320 for Go's 1.012e-320), and powers of two, where the
        // next double down is closer than the next one up, so rounding to n digits half-even can pick the decimal that
        // does not read back while the other n-digit neighbour does (2^-24: Go's 5.960464477539063e-08, 16 digits;
        // the old code fell back to 17).
        assertThat(oracleNotShortest).as("values where the BigDecimal code was not Go's shortest form")
            .isNotEmpty()
            .allSatisfy(v -> assertThat(Math.abs(v) < Double.MIN_NORMAL || isPowerOfTwo(v)).as("%s", v).isTrue());
    }

    @Test
    void stringsAreEscapedAndEncodedAsTheStringBuilderCodeDid() {
        SplittableRandom random = new SplittableRandom(7);
        char[] kinds = { 'a', 'Z', '0', ' ', '"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u00e9',
            '\u07ff', '\u0800', '\u20ac', '\uffff', '\ud83d', '\ude00', '\udbff', '\udfff' };
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(0, 12);
            for (int k = 0; k < n; k++) {
                s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : kinds[random.nextInt(kinds.length)]);
            }
            String text = s.toString();
            byte[] want = quotedTheOldWay(text).getBytes(StandardCharsets.UTF_8);
            ByteBuffer got = new JsonOutput(4).string(text).buffer();
            byte[] gotBytes = new byte[got.remaining()];
            got.get(gotBytes);
            assertThat(gotBytes).as("%s", text.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(want);
        }
    }

    @Test
    void longsAreWrittenInFull() {
        for (long n : new long[] { 0, 7, -7, 10, 1_000_000_007L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1 }) {
            assertThat(new JsonOutput(1).number(n).toString()).isEqualTo(Long.toString(n));
        }
    }

    /** PrometheusJson's string() before JsonOutput. */
    private static String quotedTheOldWay(String s) {
        StringBuilder out = new StringBuilder();
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Test
    void theSmallestDoubleHasOneDigitAsInGo() {
        assertThat(format(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "5");
        assertThat(format(1e23)).isEqualTo("100000000000000000000000");
        assertThat(format(5e-324 * 3)).isEqualTo("0." + "0".repeat(322) + "15");
    }

    @Test
    void timestampsAreSecondsWithUpToThreeDecimalsAsTheBigDecimalCodeWrote() {
        SplittableRandom random = new SplittableRandom(42);
        List<Long> samples = new ArrayList<>(List.of(0L, 1L, -1L, 5L, -5L, 10L, 100L, 999L, 1000L, -1000L, 1001L,
                1_700_000_000_000L, 1_700_000_000_123L, 1_700_000_000_120L, 1_700_000_000_100L, 1_700_000_000_001L,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        for (int i = 0; i < 1_000_000; i++) {
            long ms = random.nextLong() >> random.nextInt(64);
            samples.add(ms);
            samples.add(ms / 10 * 10);
            samples.add(ms / 100 * 100);
        }
        for (long ms : samples) {
            assertThat(new JsonOutput(8).timestamp(ms).toString()).as("%d ms", ms)
                .isEqualTo(BigDecimalNumbers.timestamp(ms));
        }
    }

    private void check(double v) {
        checked++;
        String got = format(v);
        String old = BigDecimalNumbers.formatValue(v);
        if (got.equals(old)) {
            return;
        }
        String go = BigDecimalNumbers.goShortest(v);
        if (got.equals(go)) {
            oracleNotShortest.add(v);
        }
        else if (mismatches.size() < 20) {
            mismatches.add(v + " (bits " + Long.toHexString(Double.doubleToRawLongBits(v)) + "): got " + got
                    + ", old " + old + ", Go " + go);
        }
    }

    private static boolean isPowerOfTwo(double v) {
        return (Double.doubleToRawLongBits(v) & ((1L << 52) - 1)) == 0;
    }

    private static String format(double v) {
        return new JsonOutput(8).value(v).toString();
    }

    private static void neighbours(double v, DoubleConsumer check) {
        double down = v;
        double up = v;
        check.accept(v);
        for (int i = 0; i < 3; i++) {
            down = Math.nextDown(down);
            up = Math.nextUp(up);
            check.accept(down);
            check.accept(up);
        }
    }

    private static void repeat(int times, Runnable r) {
        for (int i = 0; i < times; i++) {
            r.run();
        }
    }
}
