package io.basalt.model.regex;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus regex: Go RE2 syntax and semantics through RE2/J, fully anchored as {@code ^(?:regex)$}. RE2 matches
 * in time linear in the input, so a hostile expression in a query or a relabel config cannot stall a node; {@code .}
 * excludes only {@code \n}, and {@code (?P<name>...)}, POSIX classes and {@code (?U)} mean what they mean to Go.
 * Instances are immutable and safe to share between threads.
 */
public final class GoRegex {

    private final String source;

    private final Pattern pattern;

    private final Map<String, Integer> groupIndexes;

    private GoRegex(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
        this.groupIndexes = pattern.namedGroups();
    }

    /**
     * Compiles {@code regex} anchored at both ends, as Prometheus does.
     *
     * @throws PatternSyntaxException when {@code regex} is not valid RE2, or is larger or nested deeper than Go
     *                                allows ({@link CompileBudget}); its message reads as Go's, e.g.
     *                                {@code error parsing regexp: missing closing ): `^(?:(a)$`}
     */
    public static GoRegex compile(String regex) {
        GoRegex cached = COMPILED.get(regex);
        if (cached != null) {
            return cached;
        }
        GoRegex compiled = compileUncached(regex);
        if (COMPILED.size() >= CACHE_SIZE) {
            COMPILED.clear(); // crude, but bounded; dashboards re-fill it with the regexes they use
        }
        COMPILED.put(regex, compiled);
        return compiled;
    }

    /**
     * Compiled expressions by source. Every query compiles its matchers on select and again on every storage node, and
     * dashboards repeat the same few; instances are immutable, so one compilation serves all of them.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, GoRegex> COMPILED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int CACHE_SIZE = 1_024;

    private static GoRegex compileUncached(String regex) {
        String anchored = "^(?:" + regex + ")$";
        String refusal = CompileBudget.refusal(anchored);
        if (refusal != null) {
            throw new GoSyntaxException(refusal, regex);
        }
        try {
            return new GoRegex(regex, Pattern.compile(anchored));
        }
        catch (com.google.re2j.PatternSyntaxException e) {
            throw new GoSyntaxException(e, regex);
        }
    }

    /** The expression as written, without the anchoring. */
    public String source() {
        return source;
    }

    /** Whether the whole of {@code text} matches. */
    public boolean matches(String text) {
        return pattern.matches(text);
    }

    /** The groups of a match of the whole of {@code text}, or {@code null} when it does not match. */
    public Match match(String text) {
        Matcher m = pattern.matcher(text);
        return m.matches() ? new Match(m, groupIndexes) : null;
    }

    /**
     * Go's {@code Regexp.Expand}: {@code $name} or {@code ${name}}, where an unbraced name is the longest run of
     * letters, digits and {@code _} (so {@code $1x} names group "1x"), and an all-digit name without a leading zero is
     * a group index. Unknown or unmatched groups expand to nothing, {@code $$} is a dollar, and a {@code $} that starts
     * no valid reference stays as written.
     */
    public String expand(String template, Match match) {
        int dollar = template.indexOf('$');
        if (dollar < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        while (dollar >= 0) {
            out.append(template, i, dollar);
            i = dollar + 1;
            if (i < template.length() && template.charAt(i) == '$') {
                out.append('$');
                i++;
            }
            else {
                boolean brace = i < template.length() && template.charAt(i) == '{';
                int nameStart = brace ? i + 1 : i;
                int nameEnd = nameEnd(template, nameStart);
                boolean closed = !brace || (nameEnd < template.length() && template.charAt(nameEnd) == '}');
                if (nameEnd == nameStart || !closed) {
                    out.append('$');
                }
                else {
                    String value = match.group(template.substring(nameStart, nameEnd));
                    if (value != null) {
                        out.append(value);
                    }
                    i = brace ? nameEnd + 1 : nameEnd;
                }
            }
            dollar = template.indexOf('$', i);
        }
        out.append(template, i, template.length());
        return out.toString();
    }

    private static int nameEnd(String template, int from) {
        int end = from;
        while (end < template.length()) {
            int cp = template.codePointAt(end);
            if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    @Override
    public String toString() {
        return source;
    }

    /** The capture groups of one successful match; group 0 is the whole text. */
    public static final class Match {

        private final Matcher matcher;

        private final Map<String, Integer> groupIndexes;

        private Match(Matcher matcher, Map<String, Integer> groupIndexes) {
            this.matcher = matcher;
            this.groupIndexes = groupIndexes;
        }

        /** The number of capture groups, not counting group 0. */
        public int groupCount() {
            return matcher.groupCount();
        }

        /** The text group {@code index} captured, or {@code null} when it took no part or does not exist. */
        public String group(int index) {
            return index >= 0 && index <= matcher.groupCount() ? matcher.group(index) : null;
        }

        /**
         * The text a group captured, named as a template reference names it: an all-digit name without a leading zero
         * is an index, anything else a {@code (?P<name>...)} name. {@code null} when unknown or unmatched.
         */
        public String group(String name) {
            int index = groupNumber(name);
            if (index < 0) {
                Integer named = groupIndexes.get(name);
                if (named == null) {
                    return null;
                }
                index = named;
            }
            return group(index);
        }

        /** The index an all-ASCII-digit name denotes, or -1 when Go reads it as a group name. */
        private static int groupNumber(String name) {
            if (name.isEmpty() || (name.length() > 1 && name.charAt(0) == '0')) {
                return -1;
            }
            int num = 0;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                // Go gives up on numbers this large and treats them as names, which then match nothing.
                if (c < '0' || c > '9' || num >= 100_000_000) {
                    return -1;
                }
                num = num * 10 + (c - '0');
            }
            return num;
        }
    }

    /** Keeps RE2/J's Go-worded message, which {@link PatternSyntaxException} would otherwise reformat. */
    private static final class GoSyntaxException extends PatternSyntaxException {

        private static final long serialVersionUID = 1L;

        private final String goMessage;

        GoSyntaxException(com.google.re2j.PatternSyntaxException cause, String regex) {
            super(cause.getDescription(), regex, -1);
            this.goMessage = cause.getMessage();
            initCause(cause);
        }

        /** A refusal by {@link CompileBudget}, before RE2/J sees the expression. */
        GoSyntaxException(String goMessage, String regex) {
            super(goMessage, regex, -1);
            this.goMessage = goMessage;
        }

        @Override
        public String getMessage() {
            return goMessage;
        }
    }
}
