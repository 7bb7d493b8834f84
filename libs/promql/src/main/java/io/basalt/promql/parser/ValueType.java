package io.basalt.promql.parser;

/** The four PromQL value types; {@link #displayName()} is the wording Prometheus uses in type errors. */
public enum ValueType {
    SCALAR("scalar"), VECTOR("instant vector"), MATRIX("range vector"), STRING("string");

    private final String displayName;

    ValueType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
