package io.basalt.promql.engine;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.regex.GoRegex;
import io.basalt.promql.parser.Expr;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Every function of Prometheus 2.42, following {@code promql/functions.go}. */
final class Functions {

    private static final Pattern LABEL_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

    private Functions() {
    }

    static Value call(Evaluator ev, Expr.Call c, long t) {
        String name = c.function().name();
        List<Expr> args = c.args();
        switch (name) {
            case "time":
                return new Value.Scalar(t / 1000.0);
            case "pi":
                return new Value.Scalar(Math.PI);
            case "scalar": {
                List<Value.Element> v = ev.evalVector(args.get(0), t).elements();
                return new Value.Scalar(v.size() == 1 ? v.get(0).value() : Double.NaN);
            }
            case "vector":
                return vector(List.of(new Value.Element(Labels.EMPTY, ev.evalScalar(args.get(0), t), t)));
            case "timestamp":
                return timestamp(ev, args.get(0), t);
            case "absent": {
                if (!ev.evalVector(args.get(0), t).elements().isEmpty()) {
                    return vector(List.of());
                }
                return vector(List.of(new Value.Element(absentLabels(args.get(0)), 1, t)));
            }
            case "absent_over_time": {
                if (!ev.evalMatrix(args.get(0), t).series().isEmpty()) {
                    return vector(List.of());
                }
                return vector(List.of(new Value.Element(absentLabels(args.get(0)), 1, t)));
            }
            case "sort":
                return sort(ev.evalVector(args.get(0), t), false);
            case "sort_desc":
                return sort(ev.evalVector(args.get(0), t), true);
            case "label_replace":
                return labelReplace(ev, args, t);
            case "label_join":
                return labelJoin(ev, args, t);
            case "histogram_quantile":
                return HistogramQuantile.eval(ev.evalScalar(args.get(0), t), ev.evalVector(args.get(1), t), t);
            case "histogram_count", "histogram_sum", "histogram_fraction":
                // Native histograms only; classic float samples yield nothing, as in Prometheus.
                for (Expr a : args) {
                    ev.eval(a, t);
                }
                return vector(List.of());
            case "clamp": {
                Value.Vector v = ev.evalVector(args.get(0), t);
                double min = ev.evalScalar(args.get(1), t);
                double max = ev.evalScalar(args.get(2), t);
                if (max < min) {
                    return vector(List.of());
                }
                return map(v, x -> Math.max(min, Math.min(max, x)), t);
            }
            case "clamp_min": {
                Value.Vector v = ev.evalVector(args.get(0), t);
                double min = ev.evalScalar(args.get(1), t);
                return map(v, x -> Math.max(min, x), t);
            }
            case "clamp_max": {
                Value.Vector v = ev.evalVector(args.get(0), t);
                double max = ev.evalScalar(args.get(1), t);
                return map(v, x -> Math.min(max, x), t);
            }
            case "round": {
                Value.Vector v = ev.evalVector(args.get(0), t);
                double toNearest = args.size() > 1 ? ev.evalScalar(args.get(1), t) : 1;
                double inverse = 1.0 / toNearest;
                return map(v, x -> Math.floor(x * inverse + 0.5) / inverse, t);
            }
            case "holt_winters": {
                Value.Matrix m = ev.evalMatrix(args.get(0), t);
                double sf = ev.evalScalar(args.get(1), t);
                double tf = ev.evalScalar(args.get(2), t);
                if (sf <= 0 || sf >= 1) {
                    throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                            "invalid smoothing factor. Expected: 0 < sf < 1, got: " + String.format("%f", sf));
                }
                if (tf <= 0 || tf >= 1) {
                    throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                            "invalid trend factor. Expected: 0 < tf < 1, got: " + String.format("%f", tf));
                }
                return overTime(m, 2, w -> holtWinters(w.values(), sf, tf), true, t);
            }
            case "predict_linear": {
                Value.Matrix m = ev.evalMatrix(args.get(0), t);
                double duration = ev.evalScalar(args.get(1), t);
                return overTime(m, 2, w -> {
                    double[] si = linearRegression(w, t);
                    return si[0] * duration + si[1];
                }, true, t);
            }
            case "quantile_over_time": {
                double q = ev.evalScalar(args.get(0), t);
                Value.Matrix m = ev.evalMatrix(args.get(1), t);
                return overTime(m, 1, w -> quantile(q, w.values().clone()), true, t);
            }
            default:
                break;
        }
        DoubleUnaryOperator math = mathFunction(name);
        if (math != null) {
            return map(ev.evalVector(args.get(0), t), math, t);
        }
        DateField date = dateFunction(name);
        if (date != null) {
            if (args.isEmpty()) {
                return vector(List.of(new Value.Element(Labels.EMPTY, date.of(Math.floorDiv(t, 1000)), t)));
            }
            return map(ev.evalVector(args.get(0), t), x -> {
                if (Double.isNaN(x) || Double.isInfinite(x)) {
                    return Double.NaN;
                }
                return date.of((long) x);
            }, t);
        }
        return rangeFunction(ev, name, args, t);
    }

    private static Value.Vector vector(List<Value.Element> elements) {
        return new Value.Vector(elements);
    }

    /** Applies {@code f} to every element and drops the metric name. */
    private static Value.Vector map(Value.Vector v, DoubleUnaryOperator f, long t) {
        List<Value.Element> out = new ArrayList<>(v.elements().size());
        for (Value.Element el : v.elements()) {
            out.add(new Value.Element(el.labels().withoutMetricName(), f.applyAsDouble(el.value()), t));
        }
        return new Value.Vector(out);
    }

    private static Value timestamp(Evaluator ev, Expr arg, long t) {
        Expr inner = arg;
        while (inner instanceof Expr.Paren p) {
            inner = p.expr();
        }
        boolean direct = inner instanceof Expr.VectorSelector;
        Value.Vector v = ev.evalVector(arg, t);
        List<Value.Element> out = new ArrayList<>(v.elements().size());
        for (Value.Element el : v.elements()) {
            long ts = direct ? el.timestamp() : t;
            out.add(new Value.Element(el.labels().withoutMetricName(), ts / 1000.0, t));
        }
        return new Value.Vector(out);
    }

    private static DoubleUnaryOperator mathFunction(String name) {
        return switch (name) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log2" -> Functions::log2;
            case "log10" -> Math::log10;
            case "sin" -> Math::sin;
            case "cos" -> Math::cos;
            case "tan" -> Math::tan;
            case "asin" -> Math::asin;
            case "acos" -> Math::acos;
            case "atan" -> Math::atan;
            case "sinh" -> Math::sinh;
            case "cosh" -> Math::cosh;
            case "tanh" -> Math::tanh;
            case "asinh" -> Functions::asinh;
            case "acosh" -> x -> x < 1 ? Double.NaN : Math.log(x + Math.sqrt(x * x - 1));
            case "atanh" -> Functions::atanh;
            case "deg" -> x -> x * 180 / Math.PI;
            case "rad" -> x -> x * Math.PI / 180;
            case "sgn" -> x -> x < 0 ? -1 : x > 0 ? 1 : x;
            default -> null;
        };
    }

    /** Exact for powers of two, like Go's math.Log2. */
    static double log2(double x) {
        if (x > 0 && !Double.isInfinite(x) && Double.MIN_NORMAL <= x) {
            int exp = Math.getExponent(x);
            double frac = x / Math.scalb(1.0, exp);
            if (frac == 1.0) {
                return exp;
            }
        }
        return Math.log(x) / Math.log(2);
    }

    private static double asinh(double x) {
        if (Double.isInfinite(x) || Double.isNaN(x) || x == 0) {
            return x;
        }
        double a = Math.abs(x);
        double r = Math.log(a + Math.sqrt(a * a + 1));
        return x < 0 ? -r : r;
    }

    private static double atanh(double x) {
        if (x == 0 || Double.isNaN(x)) {
            return x;
        }
        if (x == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (x == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        if (Math.abs(x) > 1) {
            return Double.NaN;
        }
        return 0.5 * Math.log1p(2 * x / (1 - x));
    }

    @FunctionalInterface
    private interface DateField {
        double of(long epochSeconds);
    }

    private static DateField dateFunction(String name) {
        return switch (name) {
            case "minute" -> s -> utc(s).getMinute();
            case "hour" -> s -> utc(s).getHour();
            case "day_of_month" -> s -> utc(s).getDayOfMonth();
            case "day_of_week" -> s -> utc(s).getDayOfWeek().getValue() % 7;
            case "day_of_year" -> s -> utc(s).getDayOfYear();
            case "days_in_month" -> s -> YearMonth.from(utc(s)).lengthOfMonth();
            case "month" -> s -> utc(s).getMonthValue();
            case "year" -> s -> utc(s).getYear();
            default -> null;
        };
    }

    private static LocalDateTime utc(long epochSeconds) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    // ---- label functions

    private static Value.Vector labelReplace(Evaluator ev, List<Expr> args, long t) {
        String dst = text(ev, args.get(1), t);
        String replacement = text(ev, args.get(2), t);
        String src = text(ev, args.get(3), t);
        String regex = text(ev, args.get(4), t);
        GoRegex pattern;
        try {
            pattern = ev.anchoredRegex(regex);
        }
        catch (PatternSyntaxException e) {
            throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                    "invalid regular expression in label_replace(): " + regex);
        }
        if (!LABEL_NAME.matcher(dst).matches()) {
            throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                    "invalid destination label name in label_replace(): " + dst);
        }
        Value.Vector v = ev.evalVector(args.get(0), t);
        List<Value.Element> out = new ArrayList<>(v.elements().size());
        for (Value.Element el : v.elements()) {
            GoRegex.Match m = pattern.match(el.labels().get(src));
            Labels labels = el.labels();
            if (m != null) {
                String value = pattern.expand(replacement, m);
                labels = labels.toBuilder().set(dst, value).build();
            }
            out.add(new Value.Element(labels, el.value(), t));
        }
        return new Value.Vector(out);
    }

    private static Value.Vector labelJoin(Evaluator ev, List<Expr> args, long t) {
        String dst = text(ev, args.get(1), t);
        String separator = text(ev, args.get(2), t);
        List<String> sources = new ArrayList<>();
        for (int i = 3; i < args.size(); i++) {
            String src = text(ev, args.get(i), t);
            if (!LABEL_NAME.matcher(src).matches()) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                        "invalid source label name in label_join(): " + src);
            }
            sources.add(src);
        }
        if (!LABEL_NAME.matcher(dst).matches()) {
            throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                    "invalid destination label name in label_join(): " + dst);
        }
        Value.Vector v = ev.evalVector(args.get(0), t);
        List<Value.Element> out = new ArrayList<>(v.elements().size());
        for (Value.Element el : v.elements()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < sources.size(); i++) {
                if (i > 0) {
                    sb.append(separator);
                }
                sb.append(el.labels().get(sources.get(i)));
            }
            out.add(new Value.Element(el.labels().toBuilder().set(dst, sb.toString()).build(), el.value(), t));
        }
        return new Value.Vector(out);
    }

    private static String text(Evaluator ev, Expr e, long t) {
        return ((Value.Text) ev.eval(e, t)).value();
    }

    /** The label set absent() reports: equality matchers in written order; any other matcher erases its label. */
    private static Labels absentLabels(Expr arg) {
        List<LabelMatcher> matchers;
        if (arg instanceof Expr.VectorSelector vs) {
            matchers = vs.matchers();
        }
        else if (arg instanceof Expr.MatrixSelector ms) {
            matchers = ms.selector().matchers();
        }
        else {
            return Labels.EMPTY;
        }
        Map<String, String> set = new LinkedHashMap<>();
        List<String> erase = new ArrayList<>();
        for (LabelMatcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == LabelMatcher.Type.EQUAL && !set.containsKey(m.name())) {
                set.put(m.name(), m.value());
            }
            else {
                erase.add(m.name());
            }
        }
        erase.forEach(set::remove);
        Labels.Builder b = Labels.builder();
        set.forEach(b::set);
        return b.build();
    }

    private static Value.Vector sort(Value.Vector v, boolean descending) {
        List<Value.Element> out = new ArrayList<>(v.elements());
        Comparator<Value.Element> order = (x, y) -> {
            boolean xn = Double.isNaN(x.value());
            boolean yn = Double.isNaN(y.value());
            if (xn || yn) {
                return Boolean.compare(xn, yn);
            }
            return descending ? Double.compare(y.value(), x.value()) : Double.compare(x.value(), y.value());
        };
        out.sort(order);
        return new Value.Vector(out);
    }

    // ---- range-vector functions

    private static Value.Vector overTime(Value.Matrix m, int minSamples, ToDoubleFunction<Value.Window> f,
            boolean dropName, long t) {
        List<Value.Element> out = new ArrayList<>(m.series().size());
        for (Value.Window w : m.series()) {
            if (w.size() < minSamples) {
                continue;
            }
            Labels labels = dropName ? w.labels().withoutMetricName() : w.labels();
            out.add(new Value.Element(labels, f.applyAsDouble(w), t));
        }
        return new Value.Vector(out);
    }

    /** The functions of {@link #rangeFunction}: each window gives at most one element, labelled as its series. */
    static final Set<String> ONE_ELEMENT_PER_WINDOW = Set.of("rate", "increase", "delta", "irate", "sum_over_time",
            "avg_over_time", "count_over_time", "present_over_time", "last_over_time", "min_over_time",
            "max_over_time", "stddev_over_time", "stdvar_over_time");

    private static Value.Vector rangeFunction(Evaluator ev, String name, List<Expr> args, long t) {
        return applyRangeFunction(name, ev.evalMatrix(args.get(0), t), t);
    }

    /** One of {@link #ONE_ELEMENT_PER_WINDOW} over the windows of {@code m}, evaluated at {@code t}. */
    static Value.Vector applyRangeFunction(String name, Value.Matrix m, long t) {
        WindowFunctions f = WindowFunctions.named(name);
        if (f != null) {
            List<Value.Element> out = new ArrayList<>(m.series().size());
            for (Value.Window w : m.series()) {
                long[] ts = w.timestamps();
                int last = ts.length - 1;
                if (f.definedOn(ts, 0, last)) {
                    Labels labels = f.keepsName() ? w.labels() : w.labels().withoutMetricName();
                    out.add(new Value.Element(labels,
                            f.apply(ts, w.values(), null, 0, last, m.windowStart(), m.windowEnd(), m.rangeMs()), t));
                }
            }
            return new Value.Vector(out);
        }
        return switch (name) {
            case "idelta" -> instantDeltas(m, t);
            case "deriv" -> overTime(m, 2, w -> linearRegression(w, w.timestamps()[0])[0], true, t);
            case "changes" -> overTime(m, 1, w -> changes(w.values()), true, t);
            case "resets" -> overTime(m, 1, w -> resets(w.values()), true, t);
            default -> throw new PromqlException(PromqlException.ErrorType.INTERNAL, "unknown function " + name);
        };
    }

    private static Value.Vector instantDeltas(Value.Matrix m, long t) {
        List<Value.Element> out = new ArrayList<>(m.series().size());
        for (Value.Window w : m.series()) {
            int n = w.size();
            if (n < 2) {
                continue;
            }
            double last = w.values()[n - 1];
            double previous = w.values()[n - 2];
            if (w.timestamps()[n - 1] == w.timestamps()[n - 2]) {
                continue;
            }
            out.add(new Value.Element(w.labels().withoutMetricName(), last - previous, t));
        }
        return new Value.Vector(out);
    }

    private static double changes(double[] vs) {
        int changes = 0;
        double prev = vs[0];
        for (int i = 1; i < vs.length; i++) {
            double cur = vs[i];
            if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                changes++;
            }
            prev = cur;
        }
        return changes;
    }

    private static double resets(double[] vs) {
        int resets = 0;
        for (int i = 1; i < vs.length; i++) {
            if (vs[i] < vs[i - 1]) {
                resets++;
            }
        }
        return resets;
    }

    /** Least squares with x in seconds relative to {@code interceptTime}: returns {slope, intercept}. */
    static double[] linearRegression(Value.Window w, long interceptTime) {
        long[] ts = w.timestamps();
        double[] vs = w.values();
        double n = 0;
        double[] sumX = new double[2];
        double[] sumY = new double[2];
        double[] sumXY = new double[2];
        double[] sumX2 = new double[2];
        double initY = vs[0];
        boolean constY = true;
        for (int i = 0; i < ts.length; i++) {
            double y = vs[i];
            if (constY && i > 0 && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (ts[i] - interceptTime) / 1e3;
            WindowFunctions.kahanInc(x, sumX);
            WindowFunctions.kahanInc(y, sumY);
            WindowFunctions.kahanInc(x * y, sumXY);
            WindowFunctions.kahanInc(x * x, sumX2);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] { Double.NaN, Double.NaN };
            }
            return new double[] { 0, initY };
        }
        double sx = sumX[0] + sumX[1];
        double sy = sumY[0] + sumY[1];
        double sxy = sumXY[0] + sumXY[1];
        double sx2 = sumX2[0] + sumX2[1];
        double cov = sxy - sx * sy / n;
        double var = sx2 - sx * sx / n;
        double slope = cov / var;
        double intercept = sy / n - slope * sx / n;
        return new double[] { slope, intercept };
    }

    private static double holtWinters(double[] vs, double sf, double tf) {
        double s0 = 0;
        double s1 = vs[0];
        double b = vs[1] - vs[0];
        for (int i = 1; i < vs.length; i++) {
            double x = sf * vs[i];
            if (i > 1) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }

    /** The φ-quantile of {@code values} (sorted in place, NaN first), interpolating between ranks. */
    static double quantile(double q, double[] values) {
        if (values.length == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        Arrays.sort(boxed, (x, y) -> {
            boolean xn = Double.isNaN(x);
            boolean yn = Double.isNaN(y);
            if (xn || yn) {
                return Boolean.compare(yn, xn);
            }
            return Double.compare(x, y);
        });
        double n = values.length;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return boxed[(int) lower] * (1 - weight) + boxed[(int) upper] * weight;
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    static String formatPlain(double v) {
        return ShortestDecimal.plain(v);
    }
}
