package io.basalt.promql.parser;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Prometheus compiles matcher regexes with Go's RE2 syntax; RE2/J reports the same syntax errors. */
final class RegexCheck {

    private RegexCheck() {
    }

    /** Go-style error text for an invalid regex, or null when it is valid RE2. */
    static String problem(String regex) {
        try {
            Pattern.compile("^(?:" + regex + ")$");
            return null;
        }
        catch (PatternSyntaxException e) {
            return e.getMessage();
        }
    }
}
