package io.basalt.model.regex;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Go's limits on a regular expression, checked on its text before RE2/J compiles it. RE2/J bounds each repeat count
 * (1,000) but not their product, so {@code ((a{1000}){1000}){1000}} asks for a program of a billion instructions and
 * exhausts the heap, and it recurses once per nesting level, so 10,000 nested groups overflow the stack. Go (and so
 * Prometheus) refuses both, with "expression too large" and "expression nests too deeply" (deeper than 1,000); so
 * does this check, with Go's words, at a lower size ({@link #MAX_SIZE}). The size is an upper estimate of the
 * program's: literals and classes count one instruction, a repeat multiplies by its largest count.
 *
 * <p>It also refuses one input RE2/J 1.8 cannot compile at all: case-insensitive matching of U+1C80..U+1C88 (Cyrillic
 * small letters in the Extended-C block) loops for ever in its case folding, where Go answers at once.
 */
final class CompileBudget {

    /** Go's maxHeight. */
    static final int MAX_DEPTH = 1_000;

    /**
     * Go allows 128 MiB of 40-byte instructions (3.3 M); RE2/J's instructions are objects several times that size,
     * and select and every storage node compile each matcher of a query, so the budget here is 262,144. Real
     * expressions stay far below either; only expressions built to be large reach it.
     */
    static final long MAX_SIZE = 1L << 18;

    private static final int FOLD_LOOP_FIRST = 0x1C80;

    private static final int FOLD_LOOP_LAST = 0x1C88;

    private CompileBudget() {
    }

    /** Why Go would refuse {@code regex}, worded as Go words it, or {@code null} when it is within the limits. */
    static String refusal(String regex) {
        Deque<long[]> groups = new ArrayDeque<>(); // per open group: {sum of closed alternatives, current, last item}
        long[] top = new long[3];
        boolean foldCase = false;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            int c = regex.codePointAt(i);
            i += Character.charCount(c);
            long item = 1;
            switch (c) {
                case '\\' -> {
                    if (i >= n) {
                        return null; // RE2/J reports the trailing backslash
                    }
                    int e = regex.codePointAt(i);
                    i += Character.charCount(e);
                    if ((e == 'x' || e == 'p' || e == 'P') && i < n && regex.charAt(i) == '{') {
                        int close = regex.indexOf('}', i);
                        if (close < 0) {
                            return null;
                        }
                        if (e == 'x' && foldCase && loopsInFolding(regex.substring(i + 1, close))) {
                            return foldLoop(regex);
                        }
                        i = close + 1;
                    }
                    else if (e == 'Q') {
                        int end = regex.indexOf("\\E", i);
                        end = end < 0 ? n : end;
                        item = Math.max(1, end - i);
                        if (foldCase && containsFoldLoopRune(regex, i, end)) {
                            return foldLoop(regex);
                        }
                        i = end < n ? end + 2 : n;
                    }
                }
                case '[' -> {
                    int[] end = { i };
                    if (classHasFoldLoopRune(regex, end) && foldCase) {
                        return foldLoop(regex);
                    }
                    i = end[0];
                }
                case '(' -> {
                    if (regex.startsWith("?", i)) {
                        int j = i + 1;
                        while (j < n && "imsU-".indexOf(regex.charAt(j)) >= 0) {
                            j++;
                        }
                        if (regex.substring(i + 1, j).replaceAll("-.*", "").contains("i")) {
                            foldCase = true; // scoped flags are taken as global: an overestimate, never an underestimate
                        }
                        if (j < n && regex.charAt(j) == ')') {
                            i = j + 1;
                            continue; // a flag group matches nothing
                        }
                    }
                    groups.push(top);
                    if (groups.size() > MAX_DEPTH) {
                        return "error parsing regexp: expression nests too deeply: `" + regex + "`";
                    }
                    top = new long[3];
                    continue;
                }
                case ')' -> {
                    if (groups.isEmpty()) {
                        return null; // RE2/J reports the unmatched parenthesis
                    }
                    item = Math.max(1, add(top[0], top[1]));
                    top = groups.pop();
                }
                case '|' -> {
                    top[0] = add(add(top[0], top[1]), 1);
                    top[1] = 0;
                    top[2] = 0;
                    continue;
                }
                case '*', '+', '?' -> {
                    top[1] = add(top[1], 1);
                    top[2] = add(top[2], 1);
                    continue;
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long max = close < 0 ? -1 : largestCount(regex.substring(i, close));
                    if (max >= 0) {
                        // the item repeated max times replaces the item written once
                        long repeated = mul(top[2], Math.max(1, max));
                        top[1] = add(top[1] - top[2], repeated);
                        top[2] = repeated;
                        i = close + 1;
                        if (top[1] > MAX_SIZE) {
                            return tooLarge(regex);
                        }
                        continue;
                    }
                }
                default -> {
                    if (foldCase && c >= FOLD_LOOP_FIRST && c <= FOLD_LOOP_LAST) {
                        return foldLoop(regex);
                    }
                }
            }
            top[1] = add(top[1], item);
            top[2] = item;
            if (top[1] > MAX_SIZE) {
                return tooLarge(regex);
            }
        }
        return add(top[0], top[1]) > MAX_SIZE ? tooLarge(regex) : null;
    }

    /** The largest count of a well-formed {@code n}, {@code n,} or {@code n,m}; -1 when it is not a repeat. */
    private static long largestCount(String inside) {
        if (!inside.matches("\\d{1,9}(,\\d{0,9})?")) {
            return -1;
        }
        String[] parts = inside.split(",", -1);
        long min = Long.parseLong(parts[0]);
        if (parts.length == 1) {
            return min;
        }
        return parts[1].isEmpty() ? min + 1 : Math.max(min, Long.parseLong(parts[1]));
    }

    /** Scans a character class from just after its {@code [} and says whether it covers the runes that loop. */
    private static boolean classHasFoldLoopRune(String regex, int[] cursor) {
        int i = cursor[0];
        int n = regex.length();
        boolean hit = false;
        boolean first = true;
        int previous = -1;
        while (i < n) {
            int c = regex.codePointAt(i);
            if (c == ']' && !first) {
                i++;
                break;
            }
            first = false;
            if (c == '^' && previous < 0 && i == cursor[0]) {
                i++;
                continue;
            }
            if (c == '[' && regex.startsWith("[:", i)) {
                int close = regex.indexOf(":]", i + 2);
                i = close < 0 ? n : close + 2;
                previous = -1;
                continue;
            }
            int rune = c;
            i += Character.charCount(c);
            if (c == '\\' && i < n) {
                int e = regex.codePointAt(i);
                i += Character.charCount(e);
                rune = e;
                if (e == 'x' && i < n && regex.charAt(i) == '{') {
                    int close = regex.indexOf('}', i);
                    rune = close < 0 ? -1 : hexRune(regex.substring(i + 1, close));
                    i = close < 0 ? n : close + 1;
                }
            }
            if (c == '-' && previous >= 0 && i < n && regex.charAt(i) != ']') {
                int hi = regex.codePointAt(i);
                i += Character.charCount(hi);
                if (hi == '\\' && i < n && regex.startsWith("x{", i)) {
                    int close = regex.indexOf('}', i);
                    hi = close < 0 ? -1 : hexRune(regex.substring(i + 2, close));
                    i = close < 0 ? n : close + 1;
                }
                hit |= previous <= FOLD_LOOP_LAST && hi >= FOLD_LOOP_FIRST;
                previous = -1;
                continue;
            }
            hit |= rune >= FOLD_LOOP_FIRST && rune <= FOLD_LOOP_LAST;
            previous = rune;
        }
        cursor[0] = i;
        return hit;
    }

    private static boolean loopsInFolding(String hex) {
        int rune = hexRune(hex);
        return rune >= FOLD_LOOP_FIRST && rune <= FOLD_LOOP_LAST;
    }

    private static int hexRune(String hex) {
        try {
            return Integer.parseInt(hex, 16);
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean containsFoldLoopRune(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) >= FOLD_LOOP_FIRST && s.charAt(i) <= FOLD_LOOP_LAST) {
                return true;
            }
        }
        return false;
    }

    private static String tooLarge(String regex) {
        return "error parsing regexp: expression too large: `" + regex + "`";
    }

    private static String foldLoop(String regex) {
        return "error parsing regexp: case-insensitive matching of U+1C80..U+1C88 is not supported (the regex "
                + "engine cannot compile it); match those letters without (?i): `" + regex + "`";
    }

    private static long add(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static long mul(long a, long b) {
        return a != 0 && Long.MAX_VALUE / a < b ? Long.MAX_VALUE : a * b;
    }
}
