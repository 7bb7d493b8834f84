package io.basalt.relabel;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus relabel regex: Go RE2 syntax, fully anchored, run on {@link java.util.regex}. The translation covers
 * what relabel configs use in practice and differs between the two engines: {@code (?P<name>...)} groups (Java
 * names may not contain {@code _}, so groups are resolved by index), POSIX classes such as {@code [[:alpha:]]},
 * {@code [} and {@code &&} that Go reads literally inside a class, and {@code .} that excludes only {@code \n}.
 * Replacement templates follow Go's {@code Regexp.Expand}, not Java's {@code appendReplacement}.
 */
public final class GoRegex {

    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\x00-\\x7F"),
            Map.entry("blank", "\\t "), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "0-9"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "a-z"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\t\\n\\x0B\\f\\r "), Map.entry("upper", "A-Z"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "0-9A-Fa-f"));

    private final String source;

    private final Pattern pattern;

    private final Map<String, Integer> groupIndexes;

    private GoRegex(String source, Pattern pattern, Map<String, Integer> groupIndexes) {
        this.source = source;
        this.pattern = pattern;
        this.groupIndexes = groupIndexes;
    }

    /**
     * Compiles {@code regex} anchored at both ends, as Prometheus does with {@code ^(?:regex)$}.
     *
     * @throws PatternSyntaxException when the expression is invalid
     */
    public static GoRegex compile(String regex) {
        Map<String, Integer> names = new HashMap<>();
        String translated = translate(regex, names);
        return new GoRegex(regex, Pattern.compile("(?:" + translated + ")", Pattern.UNIX_LINES), Map.copyOf(names));
    }

    /** The expression as configured. */
    public String source() {
        return source;
    }

    /** Whether the whole of {@code text} matches. */
    public boolean matches(String text) {
        return pattern.matcher(text).matches();
    }

    /** A matcher that has matched the whole of {@code text}, or {@code null}. */
    public Matcher match(String text) {
        Matcher m = pattern.matcher(text);
        return m.matches() ? m : null;
    }

    /**
     * Go's {@code Regexp.Expand}: {@code $name} or {@code ${name}} where the name is the longest run of letters,
     * digits and {@code _}; an all-digit name without a leading zero is a group index. Unknown or unmatched groups
     * expand to nothing, {@code $$} is a dollar, and a {@code $} without a valid name stays as written.
     */
    public String expand(String template, Matcher match) {
        int dollar = template.indexOf('$');
        if (dollar < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        while (i < template.length()) {
            dollar = template.indexOf('$', i);
            if (dollar < 0) {
                break;
            }
            out.append(template, i, dollar);
            i = dollar + 1;
            if (i < template.length() && template.charAt(i) == '$') {
                out.append('$');
                i++;
                continue;
            }
            boolean brace = i < template.length() && template.charAt(i) == '{';
            int nameStart = brace ? i + 1 : i;
            int nameEnd = nameStart;
            while (nameEnd < template.length()) {
                int cp = template.codePointAt(nameEnd);
                if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                    break;
                }
                nameEnd += Character.charCount(cp);
            }
            if (nameEnd == nameStart || (brace && (nameEnd >= template.length() || template.charAt(nameEnd) != '}'))) {
                out.append('$');
                continue;
            }
            appendGroup(out, template.substring(nameStart, nameEnd), match);
            i = brace ? nameEnd + 1 : nameEnd;
        }
        out.append(template, i, template.length());
        return out.toString();
    }

    private void appendGroup(StringBuilder out, String name, Matcher match) {
        int index = groupNumber(name);
        if (index < 0) {
            Integer named = groupIndexes.get(name);
            if (named == null) {
                return;
            }
            index = named;
        }
        if (index <= match.groupCount()) {
            String value = match.group(index);
            if (value != null) {
                out.append(value);
            }
        }
    }

    /** The index an all-ASCII-digit name denotes, or -1 when Go would read it as a group name. */
    private static int groupNumber(String name) {
        if (name.length() > 1 && name.charAt(0) == '0') {
            return -1;
        }
        int num = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || num >= 100_000_000) {
                return -1;
            }
            num = num * 10 + (c - '0');
        }
        return num;
    }

    private static String translate(String regex, Map<String, Integer> names) {
        StringBuilder out = new StringBuilder(regex.length() + 8);
        int groups = 0;
        boolean inClass = false;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < n) {
                if (regex.charAt(i + 1) == 'Q') {
                    int end = regex.indexOf("\\E", i + 2);
                    int stop = end < 0 ? n : end + 2;
                    out.append(regex, i, stop);
                    i = stop;
                    continue;
                }
                out.append(c).append(regex.charAt(i + 1));
                i += 2;
                continue;
            }
            if (inClass) {
                if (c == '[' && regex.startsWith("[:", i)) {
                    int end = regex.indexOf(":]", i + 2);
                    if (end > 0) {
                        String name = regex.substring(i + 2, end);
                        boolean negated = name.startsWith("^");
                        String cls = POSIX_CLASSES.get(negated ? name.substring(1) : name);
                        if (cls == null) {
                            throw new PatternSyntaxException("invalid character class range", regex, i);
                        }
                        out.append(negated ? "[^" + cls + "]" : cls);
                        i = end + 2;
                        continue;
                    }
                }
                if (c == ']') {
                    inClass = false;
                    out.append(c);
                }
                else if (c == '[' || c == '&') {
                    out.append('\\').append(c);
                }
                else {
                    out.append(c);
                }
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                if (i < n && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                // Go reads a ']' straight after the opening bracket as a literal.
                if (i < n && regex.charAt(i) == ']') {
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            if (c == '(') {
                if (regex.startsWith("(?P<", i) || (regex.startsWith("(?<", i) && !regex.startsWith("(?<=", i)
                        && !regex.startsWith("(?<!", i))) {
                    int nameStart = regex.indexOf('<', i) + 1;
                    int nameEnd = regex.indexOf('>', nameStart);
                    if (nameEnd < 0) {
                        throw new PatternSyntaxException("invalid named capture", regex, i);
                    }
                    groups++;
                    names.putIfAbsent(regex.substring(nameStart, nameEnd), groups);
                    out.append('(');
                    i = nameEnd + 1;
                    continue;
                }
                if (!regex.startsWith("(?", i)) {
                    groups++;
                }
                else if (regex.startsWith("(?U", i) || flagGroupHasUngreedy(regex, i)) {
                    throw new PatternSyntaxException("the ungreedy flag (?U) is not supported", regex, i);
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean flagGroupHasUngreedy(String regex, int open) {
        for (int j = open + 2; j < regex.length(); j++) {
            char c = regex.charAt(j);
            if (c == ')' || c == ':') {
                return false;
            }
            if (c == 'U') {
                return true;
            }
            if (!Character.isLetter(c) && c != '-') {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source;
    }
}
