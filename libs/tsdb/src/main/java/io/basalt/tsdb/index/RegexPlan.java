package io.basalt.tsdb.index;

import java.util.ArrayList;
import java.util.List;

/**
 * What a label-value regex needs from the sorted value list: a handful of exact values (a literal or an alternation
 * of literals such as {@code a|b|c}), a range sharing a literal prefix, or, failing both, every value of the label.
 * The regex itself still decides for prefix ranges and scans; the plan only narrows what it is run on.
 */
record RegexPlan(List<String> exactValues, String prefix) {

    private static final String META = "\\.^$*+?()[]{}|";

    static RegexPlan of(String regex) {
        List<String> alternatives = splitLiteralAlternation(regex);
        if (alternatives != null) {
            return new RegexPlan(alternatives, null);
        }
        if (regex.indexOf('|') >= 0) {
            return new RegexPlan(null, "");
        }
        return new RegexPlan(null, literalPrefix(regex));
    }

    boolean exact() {
        return exactValues != null;
    }

    /** The alternatives when {@code regex} is nothing but literals joined by {@code |}, else {@code null}. */
    private static List<String> splitLiteralAlternation(String regex) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 >= regex.length() || Character.isLetterOrDigit(regex.charAt(i + 1))) {
                    return null; // \d, \w, \b and friends are classes, not literals
                }
                cur.append(regex.charAt(++i));
            }
            else if (c == '|') {
                out.add(cur.toString());
                cur.setLength(0);
            }
            else if (META.indexOf(c) >= 0) {
                return null;
            }
            else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Literal characters every match must start with; a quantifier takes back the character it applies to. */
    private static String literalPrefix(String regex) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length() && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
                prefix.append(regex.charAt(++i));
                continue;
            }
            if (META.indexOf(c) >= 0) {
                if ((c == '*' || c == '?' || c == '{') && prefix.length() > 0) {
                    prefix.setLength(prefix.length() - 1);
                }
                break;
            }
            prefix.append(c);
        }
        return prefix.toString();
    }
}
