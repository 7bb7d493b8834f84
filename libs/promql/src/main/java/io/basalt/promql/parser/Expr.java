package io.basalt.promql.parser;

import io.basalt.model.LabelMatcher;
import java.util.List;

/**
 * A node of the PromQL syntax tree. Every node knows its {@link ValueType} and the offset of its first character in
 * the query (for error positions). {@link #toString()} prints valid PromQL that parses back to an equal tree.
 */
public sealed interface Expr {

    ValueType type();

    int position();

    /** {@code @ 1600000000}, {@code @ start()} or {@code @ end()}. */
    record At(Kind kind, long timestampMs) {

        public enum Kind { TIMESTAMP, START, END }

        public static At timestamp(long ms) {
            return new At(Kind.TIMESTAMP, ms);
        }

        /** The pinned time given the query's start and end. */
        public long resolve(long queryStart, long queryEnd) {
            return switch (kind) {
                case TIMESTAMP -> timestampMs;
                case START -> queryStart;
                case END -> queryEnd;
            };
        }
    }

    record NumberLiteral(double value, int position) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.SCALAR;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    record StringLiteral(String value, int position) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.STRING;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /**
     * {@code name{matchers}}; {@code matchers} includes the {@code __name__} matcher implied by {@code name}.
     * {@code at} is null when absent.
     */
    record VectorSelector(String name, List<LabelMatcher> matchers, long offsetMs, At at, int position)
            implements Expr {

        public VectorSelector {
            matchers = List.copyOf(matchers);
        }

        VectorSelector withOffset(long ms) {
            return new VectorSelector(name, matchers, ms, at, position);
        }

        VectorSelector withAt(At newAt) {
            return new VectorSelector(name, matchers, offsetMs, newAt, position);
        }

        @Override
        public ValueType type() {
            return ValueType.VECTOR;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** {@code selector[range]}; offset and @ live on the inner selector, as in Prometheus. */
    record MatrixSelector(VectorSelector selector, long rangeMs, int position) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.MATRIX;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** {@code expr[range:step]}; {@code stepMs} is 0 when omitted (the engine's default resolution applies). */
    record Subquery(Expr expr, long rangeMs, long stepMs, long offsetMs, At at, int position) implements Expr {

        Subquery withOffset(long ms) {
            return new Subquery(expr, rangeMs, stepMs, ms, at, position);
        }

        Subquery withAt(At newAt) {
            return new Subquery(expr, rangeMs, stepMs, offsetMs, newAt, position);
        }

        @Override
        public ValueType type() {
            return ValueType.MATRIX;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    record Call(Function function, List<Expr> args, int position) implements Expr {

        public Call {
            args = List.copyOf(args);
        }

        @Override
        public ValueType type() {
            return function.returnType();
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** {@code op [by|without (grouping)] ([param,] expr)}; {@code param} is null for operators without one. */
    record Aggregation(AggregationOp op, Expr param, Expr expr, List<String> grouping, boolean without, int position)
            implements Expr {

        public Aggregation {
            grouping = List.copyOf(grouping);
        }

        @Override
        public ValueType type() {
            return ValueType.VECTOR;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /** {@code matching} is null when either side is a scalar. */
    record Binary(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, int position)
            implements Expr {
        @Override
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
                    ? ValueType.SCALAR : ValueType.VECTOR;
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    record Unary(boolean negate, Expr expr, int position) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    record Paren(Expr expr, int position) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }

        @Override
        public String toString() {
            return Printer.print(this);
        }
    }

    /**
     * How two vectors are matched. {@code on} false with empty {@code labels} is the default (match on all labels
     * but the name). {@code include} are the extra labels of group_left/group_right.
     */
    record VectorMatching(Cardinality cardinality, boolean on, List<String> labels, List<String> include) {

        public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

        public VectorMatching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }

        static VectorMatching defaults(Cardinality cardinality) {
            return new VectorMatching(cardinality, false, List.of(), List.of());
        }
    }
}
