package io.basalt.model;

import io.basalt.model.regex.GoRegex;
import java.util.Objects;
import java.util.regex.PatternSyntaxException;

/**
 * One PromQL label matcher. Regexes are {@link GoRegex}: Go's RE2 syntax and semantics, linear-time matching and
 * fully anchored, as in Prometheus; an absent label matches as the empty string.
 */
public final class LabelMatcher {

    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private final Type type;

    private final String name;

    private final String value;

    private final GoRegex regex;

    private LabelMatcher(Type type, String name, String value) {
        this.type = Objects.requireNonNull(type);
        this.name = Objects.requireNonNull(name);
        this.value = Objects.requireNonNull(value);
        this.regex = (type == Type.REGEX || type == Type.NOT_REGEX) ? GoRegex.compile(value) : null;
    }

    /** @throws PatternSyntaxException for an invalid regex, worded as Go words it */
    public static LabelMatcher of(Type type, String name, String value) {
        return new LabelMatcher(type, name, value);
    }

    public static LabelMatcher equal(String name, String value) {
        return new LabelMatcher(Type.EQUAL, name, value);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public boolean matches(String labelValue) {
        return switch (type) {
            case EQUAL -> value.equals(labelValue);
            case NOT_EQUAL -> !value.equals(labelValue);
            case REGEX -> regex.matches(labelValue);
            case NOT_REGEX -> !regex.matches(labelValue);
        };
    }

    public boolean matches(Labels labels) {
        return matches(labels.get(name));
    }

    /** True when this matcher also selects series that lack the label, e.g. {@code foo=""} or {@code foo!~"x"}. */
    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }

    @Override
    public String toString() {
        return name + type.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
