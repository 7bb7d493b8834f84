package io.basalt.promql.parser;

import java.util.Locale;

public enum AggregationOp {
    SUM, AVG, COUNT, MIN, MAX, GROUP, STDDEV, STDVAR, TOPK(ValueType.SCALAR), BOTTOMK(ValueType.SCALAR),
    QUANTILE(ValueType.SCALAR), COUNT_VALUES(ValueType.STRING);

    private final ValueType paramType;

    AggregationOp() {
        this(null);
    }

    AggregationOp(ValueType paramType) {
        this.paramType = paramType;
    }

    /** The type of the leading parameter, or null when the operator takes none. */
    public ValueType paramType() {
        return paramType;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Keywords are case-insensitive in PromQL. */
    static AggregationOp byKeyword(String word) {
        for (AggregationOp op : values()) {
            if (op.name().equalsIgnoreCase(word)) {
                return op;
            }
        }
        return null;
    }
}
