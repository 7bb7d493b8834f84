package io.basalt.tsdb;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses retention periods the way VictoriaMetrics' {@code -retentionPeriod} flag reads them: a number with a unit
 * {@code h}, {@code d}, {@code w} or {@code y} (a year is 365 days), or a bare number of months (31 days each).
 * Fractions are allowed ({@code 1.5d}); the minimum is one hour.
 */
public final class RetentionPeriod {

    private static final Pattern PERIOD = Pattern.compile("(\\d+(?:\\.\\d+)?)([hdwy]?)");

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private RetentionPeriod() {
    }

    /**
     * @throws IllegalArgumentException naming {@code retentionPeriod} and the accepted forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = PERIOD.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("retentionPeriod '" + text
                    + "' is invalid: expected a number with unit h, d, w or y (e.g. 12h, 30d, 4w, 1y) or a number of"
                    + " months (e.g. 3)");
        }
        double amount = Double.parseDouble(m.group(1));
        double hours = switch (m.group(2)) {
            case "h" -> amount;
            case "d" -> amount * 24;
            case "w" -> amount * 24 * 7;
            case "y" -> amount * 24 * 365;
            default -> amount * 24 * 31;
        };
        Duration d = Duration.ofMillis(Math.round(hours * 3_600_000));
        if (d.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("retentionPeriod '" + text + "' is too short: the minimum is 1h");
        }
        return d;
    }

    /** Parses small durations for intervals: {@code 500ms}, {@code 15s}, {@code 1m}, {@code 2h}, {@code 1d}. */
    public static Duration parseShortDuration(String text) {
        Matcher m = SHORT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': expected e.g. 500ms, 15s, 1m, 2h");
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMs = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        return Duration.ofMillis(Math.round(amount * unitMs));
    }
}
