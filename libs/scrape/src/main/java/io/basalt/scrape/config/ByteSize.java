package io.basalt.scrape.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus' size syntax for {@code body_size_limit}: a whole number and a base-2 unit ({@code 10MB} = 10 MiB). */
public final class ByteSize {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)([KMGTPE]i?B|B)");

    private static final Map<Character, Integer> SHIFT = Map.of('B', 0, 'K', 10, 'M', 20, 'G', 30, 'T', 40, 'P', 50,
            'E', 60);

    private ByteSize() {
    }

    /** @throws IllegalArgumentException for anything Prometheus would not parse */
    public static long parse(String text) {
        if ("0".equals(text)) {
            return 0;
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size \"" + text + "\": a number and a unit (B, KB, MB, GB, "
                    + "TB, PB, EB) are needed");
        }
        int shift = SHIFT.get(m.group(2).charAt(0));
        try {
            long n = Long.parseLong(m.group(1));
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large");
        }
    }
}
