package io.basalt.select.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the time and duration parameters of Prometheus' HTTP API the way Prometheus does. */
final class ApiParams {

    /** Prometheus' minimum and maximum API times, used when start or end is absent. */
    static final long MIN_TIME = Instant.parse("-292273086-05-16T16:47:06Z").toEpochMilli() / 1000 * 1000;

    static final long MAX_TIME = Instant.parse("+292277025-08-18T07:12:54Z").toEpochMilli() / 1000 * 1000;

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?"
            + "(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private static final long[] UNIT_MS = { 365L * 86_400_000, 7L * 86_400_000, 86_400_000L, 3_600_000L, 60_000L,
        1_000L, 1L };

    private ApiParams() {
    }

    /** Unix seconds with an optional fraction, or RFC 3339; {@code fallback} when absent. */
    static long time(String name, String text, long fallback) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            return new BigDecimal(text).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN)
                .longValueExact();
        }
        catch (NumberFormatException | ArithmeticException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            }
            catch (DateTimeParseException e2) {
                throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"" + text
                        + "\" to a valid timestamp");
            }
        }
    }

    /** A Prometheus duration ({@code 1h30m}) or float seconds, in ms. */
    static long duration(String name, String text) {
        if (text == null || text.isEmpty()) {
            throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"\" to a valid duration");
        }
        try {
            return new BigDecimal(text).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        }
        catch (NumberFormatException | ArithmeticException e) {
            Matcher m = DURATION.matcher(text);
            if (!m.matches() || text.isEmpty()) {
                throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"" + text
                        + "\" to a valid duration");
            }
            long ms = 0;
            for (int g = 1; g <= UNIT_MS.length; g++) {
                if (m.group(g) != null) {
                    ms += Long.parseLong(m.group(g)) * UNIT_MS[g - 1];
                }
            }
            return ms;
        }
    }
}
