package io.basalt.promql.engine;

import io.basalt.model.Labels;
import io.basalt.promql.parser.BinaryOp;
import io.basalt.promql.parser.Expr;
import io.basalt.promql.parser.Expr.VectorMatching;
import io.basalt.promql.parser.Expr.VectorMatching.Cardinality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binary operators: arithmetic, comparisons, set operators and vector matching (Prometheus' VectorBinop). */
final class BinaryOps {

    private BinaryOps() {
    }

    static Value eval(Evaluator ev, Expr.Binary b, long t) {
        Value lhs = ev.eval(b.lhs(), t);
        Value rhs = ev.eval(b.rhs(), t);
        if (lhs instanceof Value.Scalar l && rhs instanceof Value.Scalar r) {
            double v = apply(b.op(), l.value(), r.value());
            if (b.op().isComparison()) {
                v = v == 0 ? 0 : 1;
            }
            return new Value.Scalar(v);
        }
        Value.Vector result;
        if (lhs instanceof Value.Vector l && rhs instanceof Value.Vector r) {
            result = switch (b.op()) {
                case AND -> and(l, r, b.matching(), t);
                case OR -> or(l, r, b.matching(), t);
                case UNLESS -> unless(l, r, b.matching(), t);
                default -> vectorVector(b, l, r, t);
            };
        }
        else if (lhs instanceof Value.Vector l) {
            result = vectorScalar(b, l, ((Value.Scalar) rhs).value(), false, t);
        }
        else {
            result = vectorScalar(b, (Value.Vector) rhs, ((Value.Scalar) lhs).value(), true, t);
        }
        Evaluator.requireDistinctLabels(result);
        return result;
    }

    /**
     * The operator applied to two values. For comparisons without {@code bool} the result is 1 or 0 for "keep", and
     * the caller keeps the left value.
     */
    static double apply(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> goPow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            case EQL -> l == r ? 1 : 0;
            case NEQ -> l != r ? 1 : 0;
            case GTR -> l > r ? 1 : 0;
            case LSS -> l < r ? 1 : 0;
            case GTE -> l >= r ? 1 : 0;
            case LTE -> l <= r ? 1 : 0;
            default -> throw new IllegalStateException("not an arithmetic operator: " + op);
        };
    }

    /** Go's math.Pow, which differs from Java's for a base of 1 or -1 with a NaN or infinite exponent. */
    static double goPow(double x, double y) {
        if (x == 1 || y == 0) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    static boolean dropsName(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MOD, POW -> true;
            default -> false;
        };
    }

    private static Value.Vector vectorScalar(Expr.Binary b, Value.Vector vec, double scalar, boolean scalarLeft,
            long t) {
        List<Value.Element> out = new ArrayList<>();
        boolean comparison = b.op().isComparison();
        for (Value.Element el : vec.elements()) {
            double l = scalarLeft ? scalar : el.value();
            double r = scalarLeft ? el.value() : scalar;
            double v = apply(b.op(), l, r);
            if (comparison) {
                boolean keep = v != 0;
                if (b.returnBool()) {
                    v = keep ? 1 : 0;
                }
                else if (!keep) {
                    continue;
                }
                else {
                    v = el.value();
                }
            }
            Labels labels = el.labels();
            if (dropsName(b.op()) || b.returnBool()) {
                labels = labels.withoutMetricName();
            }
            out.add(new Value.Element(labels, v, t));
        }
        return new Value.Vector(out);
    }

    /** The labels two elements must share to match. */
    static Labels signature(Labels labels, VectorMatching m) {
        if (m.on()) {
            Labels.Builder b = Labels.builder();
            for (String name : m.labels()) {
                String v = labels.get(name);
                if (!v.isEmpty() && b.get(name).isEmpty()) {
                    b.add(name, v);
                }
            }
            return b.build();
        }
        if (m.labels().isEmpty()) {
            return labels.withoutMetricName();
        }
        Labels.Builder b = labels.toBuilder();
        b.remove(Labels.METRIC_NAME);
        for (String name : m.labels()) {
            b.remove(name);
        }
        return b.build();
    }

    private static Value.Vector vectorVector(Expr.Binary b, Value.Vector lhs, Value.Vector rhs, long t) {
        VectorMatching m = b.matching();
        if (lhs.elements().isEmpty() || rhs.elements().isEmpty()) {
            return new Value.Vector(List.of());
        }
        boolean swapped = m.cardinality() == Cardinality.ONE_TO_MANY;
        List<Value.Element> many = swapped ? rhs.elements() : lhs.elements();
        List<Value.Element> one = swapped ? lhs.elements() : rhs.elements();
        Map<Labels, Value.Element> oneBySignature = new HashMap<>();
        for (Value.Element el : one) {
            Labels sig = signature(el.labels(), m);
            Value.Element previous = oneBySignature.putIfAbsent(sig, el);
            if (previous != null) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION, "found duplicate series for the match "
                        + "group " + goString(sig) + " on the " + (swapped ? "left" : "right")
                        + " hand-side of the operation: [" + goString(el.labels()) + ", " + goString(previous.labels())
                        + "];many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Set<Labels> matchedOneToOne = new HashSet<>();
        Map<Labels, Set<Labels>> produced = new HashMap<>();
        List<Value.Element> out = new ArrayList<>();
        for (Value.Element el : many) {
            Labels sig = signature(el.labels(), m);
            Value.Element match = oneBySignature.get(sig);
            if (match == null) {
                continue;
            }
            double l = swapped ? match.value() : el.value();
            double r = swapped ? el.value() : match.value();
            double v = apply(b.op(), l, r);
            if (b.op().isComparison()) {
                boolean keep = v != 0;
                if (b.returnBool()) {
                    v = keep ? 1 : 0;
                }
                else if (!keep) {
                    continue;
                }
                else {
                    v = l;
                }
            }
            Labels metric = resultLabels(el.labels(), match.labels(), b);
            if (m.cardinality() == Cardinality.ONE_TO_ONE) {
                if (!matchedOneToOne.add(sig)) {
                    throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
            }
            else if (!produced.computeIfAbsent(sig, k -> new HashSet<>()).add(metric)) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                        "multiple matches for labels: grouping labels must ensure unique matches");
            }
            out.add(new Value.Element(metric, v, t));
        }
        return new Value.Vector(out);
    }

    static Labels resultLabels(Labels many, Labels one, Expr.Binary b) {
        VectorMatching m = b.matching();
        Labels.Builder lb = many.toBuilder();
        if (dropsName(b.op()) || b.returnBool()) {
            lb.remove(Labels.METRIC_NAME);
        }
        if (m.cardinality() == Cardinality.ONE_TO_ONE) {
            if (m.on()) {
                Labels.Builder kept = Labels.builder();
                for (String name : m.labels()) {
                    String v = lb.get(name);
                    if (!v.isEmpty() && kept.get(name).isEmpty()) {
                        kept.add(name, v);
                    }
                }
                lb = kept;
            }
            else {
                for (String name : m.labels()) {
                    lb.remove(name);
                }
            }
        }
        for (String name : m.include()) {
            lb.set(name, one.get(name));
        }
        return lb.build();
    }

    private static Value.Vector and(Value.Vector lhs, Value.Vector rhs, VectorMatching m, long t) {
        Set<Labels> right = new HashSet<>();
        for (Value.Element el : rhs.elements()) {
            right.add(signature(el.labels(), m));
        }
        List<Value.Element> out = new ArrayList<>();
        for (Value.Element el : lhs.elements()) {
            if (right.contains(signature(el.labels(), m))) {
                out.add(new Value.Element(el.labels(), el.value(), t));
            }
        }
        return new Value.Vector(out);
    }

    private static Value.Vector or(Value.Vector lhs, Value.Vector rhs, VectorMatching m, long t) {
        Set<Labels> left = new HashSet<>();
        List<Value.Element> out = new ArrayList<>();
        for (Value.Element el : lhs.elements()) {
            left.add(signature(el.labels(), m));
            out.add(new Value.Element(el.labels(), el.value(), t));
        }
        for (Value.Element el : rhs.elements()) {
            if (!left.contains(signature(el.labels(), m))) {
                out.add(new Value.Element(el.labels(), el.value(), t));
            }
        }
        return new Value.Vector(out);
    }

    private static Value.Vector unless(Value.Vector lhs, Value.Vector rhs, VectorMatching m, long t) {
        Set<Labels> right = new HashSet<>();
        for (Value.Element el : rhs.elements()) {
            right.add(signature(el.labels(), m));
        }
        List<Value.Element> out = new ArrayList<>();
        for (Value.Element el : lhs.elements()) {
            if (!right.contains(signature(el.labels(), m))) {
                out.add(new Value.Element(el.labels(), el.value(), t));
            }
        }
        return new Value.Vector(out);
    }

    /** Prometheus' {@code labels.Labels.String()}: {@code {__name__="up", job="x"}}. */
    static String goString(Labels labels) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(labels.name(i)).append("=\"").append(labels.value(i).replace("\\", "\\\\")
                    .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }
}
