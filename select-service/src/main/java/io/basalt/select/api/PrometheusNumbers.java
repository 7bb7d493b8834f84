package io.basalt.select.api;

import io.basalt.promql.engine.ShortestDecimal;

/**
 * Numbers as Prometheus writes them in its HTTP API, appended without intermediate objects: sample values as Go's
 * {@code strconv.FormatFloat(v, 'f', -1, 64)} (shortest round-trip digits, never an exponent; "NaN", "+Inf",
 * "-Inf"), timestamps as seconds with up to three decimals and no trailing zeros ({@code 1700000000.12}).
 * Holds a scratch result, so one instance per writer thread.
 */
final class PrometheusNumbers {

    private final ShortestDecimal decimal = new ShortestDecimal();

    void appendValue(StringBuilder out, double v) {
        decimal.appendPlain(out, v);
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
}
