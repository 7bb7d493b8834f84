package io.basalt.promql.parser;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/** Prints a syntax tree back to PromQL that parses to the same tree. */
public final class Printer {

    private Printer() {
    }

    public static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        append(sb, e);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Expr e) {
        if (e instanceof Expr.NumberLiteral n) {
            sb.append(number(n.value()));
        }
        else if (e instanceof Expr.StringLiteral s) {
            sb.append(quote(s.value()));
        }
        else if (e instanceof Expr.VectorSelector vs) {
            selector(sb, vs);
            modifiers(sb, vs.offsetMs(), vs.at());
        }
        else if (e instanceof Expr.MatrixSelector m) {
            selector(sb, m.selector());
            sb.append('[').append(duration(m.rangeMs())).append(']');
            modifiers(sb, m.selector().offsetMs(), m.selector().at());
        }
        else if (e instanceof Expr.Subquery s) {
            append(sb, s.expr());
            sb.append('[').append(duration(s.rangeMs())).append(':');
            if (s.stepMs() > 0) {
                sb.append(duration(s.stepMs()));
            }
            sb.append(']');
            modifiers(sb, s.offsetMs(), s.at());
        }
        else if (e instanceof Expr.Call c) {
            sb.append(c.function().name()).append('(');
            args(sb, c.args());
            sb.append(')');
        }
        else if (e instanceof Expr.Aggregation a) {
            aggregation(sb, a);
        }
        else if (e instanceof Expr.Binary b) {
            binary(sb, b);
        }
        else if (e instanceof Expr.Unary u) {
            sb.append(u.negate() ? '-' : '+');
            append(sb, u.expr());
        }
        else if (e instanceof Expr.Paren p) {
            sb.append('(');
            append(sb, p.expr());
            sb.append(')');
        }
    }

    private static void aggregation(StringBuilder sb, Expr.Aggregation a) {
        sb.append(a.op().keyword());
        if (a.without() || !a.grouping().isEmpty()) {
            sb.append(a.without() ? " without (" : " by (").append(String.join(", ", a.grouping())).append(") ");
        }
        sb.append('(');
        if (a.param() != null) {
            append(sb, a.param());
            sb.append(", ");
        }
        append(sb, a.expr());
        sb.append(')');
    }

    private static void binary(StringBuilder sb, Expr.Binary b) {
        append(sb, b.lhs());
        sb.append(' ').append(b.op().symbol()).append(' ');
        if (b.returnBool()) {
            sb.append("bool ");
        }
        Expr.VectorMatching m = b.matching();
        if (m != null && (m.on() || !m.labels().isEmpty() || m.cardinality() == Expr.VectorMatching.Cardinality.MANY_TO_ONE
                || m.cardinality() == Expr.VectorMatching.Cardinality.ONE_TO_MANY)) {
            sb.append(m.on() ? "on(" : "ignoring(").append(String.join(", ", m.labels())).append(") ");
            if (m.cardinality() == Expr.VectorMatching.Cardinality.MANY_TO_ONE) {
                sb.append("group_left(").append(String.join(", ", m.include())).append(") ");
            }
            else if (m.cardinality() == Expr.VectorMatching.Cardinality.ONE_TO_MANY) {
                sb.append("group_right(").append(String.join(", ", m.include())).append(") ");
            }
        }
        append(sb, b.rhs());
    }

    private static void args(StringBuilder sb, List<Expr> args) {
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            append(sb, args.get(i));
        }
    }

    private static void selector(StringBuilder sb, Expr.VectorSelector vs) {
        List<LabelMatcher> shown = vs.matchers().stream()
                .filter(m -> vs.name() == null || !(m.name().equals(Labels.METRIC_NAME)
                        && m.type() == LabelMatcher.Type.EQUAL && m.value().equals(vs.name())))
                .collect(Collectors.toList());
        if (vs.name() != null) {
            sb.append(vs.name());
        }
        if (vs.name() == null || !shown.isEmpty()) {
            sb.append('{');
            for (int i = 0; i < shown.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                LabelMatcher m = shown.get(i);
                sb.append(m.name()).append(m.type().symbol()).append(quote(m.value()));
            }
            sb.append('}');
        }
    }

    private static void modifiers(StringBuilder sb, long offsetMs, Expr.At at) {
        if (offsetMs != 0) {
            sb.append(" offset ").append(offsetMs < 0 ? "-" : "").append(duration(Math.abs(offsetMs)));
        }
        if (at != null) {
            sb.append(" @ ");
            switch (at.kind()) {
                case START -> sb.append("start()");
                case END -> sb.append("end()");
                case TIMESTAMP -> sb.append(BigDecimal.valueOf(at.timestampMs(), 3).toPlainString());
            }
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            // No "+": a leading sign reads back as a unary operator, which binds looser than "^" ("+Inf ^ x").
            return v > 0 ? "Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (Double.doubleToRawLongBits(v) == Long.MIN_VALUE ? "-" : "") + (long) v;
        }
        return Double.toString(v);
    }

    /** Prometheus' duration notation: largest units first, {@code 90m} prints as {@code 1h30m}. */
    public static String duration(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] units = { 365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1 };
        String[] names = { "y", "w", "d", "h", "m", "s", "ms" };
        long rest = ms;
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                sb.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return sb.toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    }
                    else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
