package io.basalt.promql.engine;

import io.basalt.model.Labels;
import io.basalt.promql.parser.AggregationOp;
import io.basalt.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The aggregation operators, with Prometheus 2.42's arithmetic (naive sum, incremental mean, Welford). */
final class Aggregations {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Aggregations() {
    }

    /** Running state of one output group. */
    private static final class Group {
        final Labels labels;
        double value;
        double mean;
        long count;
        List<Value.Element> members;

        Group(Labels labels) {
            this.labels = labels;
        }
    }

    static Value.Vector eval(Evaluator ev, Expr.Aggregation a, long t) {
        AggregationOp op = a.op();
        double param = Double.NaN;
        String valueLabel = null;
        if (op == AggregationOp.COUNT_VALUES) {
            valueLabel = ((Value.Text) ev.eval(a.param(), t)).value();
            if (!LABEL_NAME.matcher(valueLabel).matches()) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                        "invalid label name \"" + valueLabel + "\"");
            }
        }
        else if (a.param() != null) {
            param = ev.evalScalar(a.param(), t);
        }
        long k = 0;
        if (op == AggregationOp.TOPK || op == AggregationOp.BOTTOMK) {
            if (Double.isNaN(param) || param >= 0x1p63 || param < -0x1p63) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                        "Scalar value " + goFloat(param) + " overflows int64");
            }
            k = (long) param;
            if (k < 1) {
                return new Value.Vector(List.of());
            }
        }
        List<String> grouping = new ArrayList<>(a.grouping());
        if (valueLabel != null && !a.without()) {
            grouping.add(valueLabel);
        }
        Value.Vector input = ev.evalVector(a.expr(), t);
        Map<Labels, Group> groups = new LinkedHashMap<>();
        for (Value.Element el : input.elements()) {
            Labels metric = el.labels();
            if (valueLabel != null) {
                metric = metric.toBuilder().set(valueLabel, Functions.formatPlain(el.value())).build();
            }
            Labels key = valueLabel != null ? groupLabels(metric, grouping, a.without())
                    : ev.groupKey(a, metric, m -> groupLabels(m, grouping, a.without()));
            Group g = groups.get(key);
            double v = el.value();
            if (g == null) {
                g = new Group(key);
                groups.put(key, g);
                g.value = v;
                g.mean = v;
                g.count = 1;
                switch (op) {
                    case STDDEV, STDVAR -> g.value = 0;
                    case GROUP -> g.value = 1;
                    case TOPK, BOTTOMK, QUANTILE -> {
                        g.members = new ArrayList<>();
                        g.members.add(el);
                    }
                    default -> {
                    }
                }
                continue;
            }
            g.count++;
            switch (op) {
                case SUM -> g.value += v;
                case AVG -> g.mean = avgStep(g.mean, v, g.count);
                case MAX -> {
                    if (g.value < v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case MIN -> {
                    if (g.value > v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case STDDEV, STDVAR -> {
                    double delta = v - g.mean;
                    g.mean += delta / g.count;
                    g.value += delta * (v - g.mean);
                }
                case TOPK, BOTTOMK, QUANTILE -> g.members.add(el);
                default -> {
                }
            }
        }
        List<Value.Element> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            switch (op) {
                case SUM, MIN, MAX, GROUP -> out.add(new Value.Element(g.labels, g.value, t));
                case AVG -> out.add(new Value.Element(g.labels, g.mean, t));
                case COUNT, COUNT_VALUES -> out.add(new Value.Element(g.labels, g.count, t));
                case STDVAR -> out.add(new Value.Element(g.labels, g.value / g.count, t));
                case STDDEV -> out.add(new Value.Element(g.labels, Math.sqrt(g.value / g.count), t));
                case QUANTILE -> {
                    double[] vals = new double[g.members.size()];
                    for (int i = 0; i < vals.length; i++) {
                        vals[i] = g.members.get(i).value();
                    }
                    out.add(new Value.Element(g.labels, Functions.quantile(param, vals), t));
                }
                case TOPK, BOTTOMK -> {
                    boolean top = op == AggregationOp.TOPK;
                    Comparator<Value.Element> best = (x, y) -> {
                        boolean xn = Double.isNaN(x.value());
                        boolean yn = Double.isNaN(y.value());
                        if (xn || yn) {
                            return Boolean.compare(xn, yn);
                        }
                        return top ? Double.compare(y.value(), x.value()) : Double.compare(x.value(), y.value());
                    };
                    List<Value.Element> sorted = new ArrayList<>(g.members);
                    sorted.sort(best);
                    for (int i = 0; i < sorted.size() && i < k; i++) {
                        Value.Element el = sorted.get(i);
                        out.add(new Value.Element(el.labels(), el.value(), t));
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
        }
        return new Value.Vector(out);
    }

    /** Incremental mean that never overflows and keeps an infinite mean once reached (Prometheus 2.42). */
    static double avgStep(double mean, double v, long count) {
        if (Double.isInfinite(mean)) {
            if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                return mean;
            }
            if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                return mean;
            }
        }
        return mean + (v / count - mean / count);
    }

    static Labels groupLabels(Labels metric, List<String> grouping, boolean without) {
        if (without) {
            Labels.Builder b = metric.toBuilder();
            b.remove(Labels.METRIC_NAME);
            for (String name : grouping) {
                b.remove(name);
            }
            return b.build();
        }
        if (grouping.isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (String name : grouping) {
            String v = metric.get(name);
            if (!v.isEmpty() && b.get(name).isEmpty()) {
                b.add(name, v);
            }
        }
        return b.build();
    }

    /** Go's {@code %v} for a float64, as it appears in error messages. */
    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e21)) {
            return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toString().replace("E", "e");
        }
        return Functions.formatPlain(v);
    }
}
