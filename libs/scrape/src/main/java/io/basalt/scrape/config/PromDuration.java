package io.basalt.scrape.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus' duration syntax: units y, w, d, h, m, s, ms in that order, each at most once ({@code 1m30s}). */
public final class PromDuration {

    private static final Pattern SYNTAX = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private static final long[] UNIT_MILLIS = { 365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000,
        1_000, 1 };

    private PromDuration() {
    }

    /** @throws IllegalArgumentException for anything Prometheus would not parse */
    public static Duration parse(String text) {
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (text == null || text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
        }
        long millis = 0;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            String g = m.group(i + 1);
            if (g != null) {
                millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(g), UNIT_MILLIS[i]));
            }
        }
        return Duration.ofMillis(millis);
    }

    /** Prometheus' own notation, e.g. {@code 1m30s}, as shown in target labels like {@code __scrape_interval__}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        String[] units = { "y", "w", "d", "h", "m", "s", "ms" };
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            long n = ms / UNIT_MILLIS[i];
            if (n > 0) {
                sb.append(n).append(units[i]);
                ms -= n * UNIT_MILLIS[i];
            }
        }
        return sb.toString();
    }
}
