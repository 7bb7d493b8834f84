package io.basalt.promql.parser;

import static io.basalt.promql.parser.ValueType.MATRIX;
import static io.basalt.promql.parser.ValueType.SCALAR;
import static io.basalt.promql.parser.ValueType.STRING;
import static io.basalt.promql.parser.ValueType.VECTOR;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PromQL function signature as in Prometheus 2.42's {@code promql/parser/functions.go}. {@code variadic} is 0 for
 * a fixed arity, n &gt; 0 when up to n trailing arguments may be left out (or repeated), and -1 for no upper bound.
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {

    private static final Map<String, Function> BY_NAME = new HashMap<>();

    static {
        for (String f : List.of("abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh",
                "deg", "exp", "floor", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt",
                "tan", "tanh", "timestamp", "absent", "histogram_count", "histogram_sum")) {
            define(f, List.of(VECTOR), 0, VECTOR);
        }
        for (String f : List.of("avg_over_time", "count_over_time", "last_over_time", "max_over_time",
                "min_over_time", "present_over_time", "stddev_over_time", "stdvar_over_time", "sum_over_time",
                "absent_over_time", "changes", "resets", "delta", "deriv", "idelta", "increase", "irate", "rate")) {
            define(f, List.of(MATRIX), 0, VECTOR);
        }
        for (String f : List.of("day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
                "month", "year")) {
            define(f, List.of(VECTOR), 1, VECTOR);
        }
        define("clamp", List.of(VECTOR, SCALAR, SCALAR), 0, VECTOR);
        define("clamp_max", List.of(VECTOR, SCALAR), 0, VECTOR);
        define("clamp_min", List.of(VECTOR, SCALAR), 0, VECTOR);
        define("histogram_fraction", List.of(SCALAR, SCALAR, VECTOR), 0, VECTOR);
        define("histogram_quantile", List.of(SCALAR, VECTOR), 0, VECTOR);
        define("holt_winters", List.of(MATRIX, SCALAR, SCALAR), 0, VECTOR);
        define("label_join", List.of(VECTOR, STRING, STRING, STRING), -1, VECTOR);
        define("label_replace", List.of(VECTOR, STRING, STRING, STRING, STRING), 0, VECTOR);
        define("pi", List.of(), 0, SCALAR);
        define("predict_linear", List.of(MATRIX, SCALAR), 0, VECTOR);
        define("quantile_over_time", List.of(SCALAR, MATRIX), 0, VECTOR);
        define("round", List.of(VECTOR, SCALAR), 1, VECTOR);
        define("scalar", List.of(VECTOR), 0, SCALAR);
        define("time", List.of(), 0, SCALAR);
        define("vector", List.of(SCALAR), 0, VECTOR);
    }

    private static void define(String name, List<ValueType> args, int variadic, ValueType returns) {
        BY_NAME.put(name, new Function(name, args, variadic, returns));
    }

    /** The function called {@code name} (case-sensitive), or null. */
    public static Function byName(String name) {
        return BY_NAME.get(name);
    }
}
