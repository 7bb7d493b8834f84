package io.basalt.select.api;

/**
 * Numbers as Prometheus writes them in its HTTP API, appended without intermediate objects: sample values as Go's
 * {@code strconv.FormatFloat(v, 'f', -1, 64)} (shortest round-trip digits, never an exponent; "NaN", "+Inf",
 * "-Inf"), timestamps as seconds with up to three decimals and no trailing zeros ({@code 1700000000.12}).
 * Holds a scratch result, so one instance per writer thread.
 */
final class PrometheusNumbers {

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final ShortestDecimal decimal = new ShortestDecimal();

    void appendValue(StringBuilder out, double v) {
        if (Double.isNaN(v)) {
            out.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            out.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (Double.doubleToRawLongBits(v) < 0) {
            out.append('-');
            v = -v;
        }
        if (v == 0) {
            out.append('0');
            return;
        }
        decimal.of(v);
        long digits = decimal.digits();
        int exponent = decimal.exponent();
        if (exponent >= 0) {
            out.append(digits);
            appendZeros(out, exponent);
            return;
        }
        int count = digitCount(digits);
        int pointAt = count + exponent;
        if (pointAt > 0) {
            long scale = POWERS_OF_TEN[-exponent];
            out.append(digits / scale).append('.');
            long fraction = digits % scale;
            appendZeros(out, -exponent - digitCount(fraction));
            out.append(fraction);
        }
        else {
            out.append("0.");
            appendZeros(out, -pointAt);
            out.append(digits);
        }
    }

    /** Milliseconds as seconds: {@code 1700000000123} is {@code 1700000000.123}, {@code -5} is {@code -0.005}. */
    static void appendTimestamp(StringBuilder out, long ms) {
        long seconds = ms / 1000;
        int millis = (int) (ms % 1000);
        if (ms < 0) {
            out.append('-');
            seconds = -seconds;
            millis = -millis;
        }
        out.append(seconds);
        if (millis == 0) {
            return;
        }
        out.append('.');
        if (millis < 100) {
            out.append('0');
        }
        if (millis < 10) {
            out.append('0');
        }
        while (millis % 10 == 0) {
            millis /= 10;
        }
        out.append(millis);
    }

    private static void appendZeros(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) {
            out.append('0');
        }
    }

    /** How many decimal digits {@code n >= 0} has (0 has one). */
    private static int digitCount(long n) {
        int count = 1;
        while (count < POWERS_OF_TEN.length && n >= POWERS_OF_TEN[count]) {
            count++;
        }
        return count;
    }
}
