package io.basalt.promql.engine;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.model.regex.GoRegex;
import io.basalt.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Evaluates one query over its steps. Every selector's raw data is fetched once up front for the whole time range
 * it can touch (a {@link SeriesSource} may be a network fan-out), then each step reads from memory. Subquery inner
 * steps sit on absolute multiples of their resolution, so their results are memoised by timestamp and shared
 * between outer steps.
 */
final class Evaluator {

    /** Prometheus' default global evaluation interval, the resolution of a subquery without an explicit step. */
    static final long DEFAULT_SUBQUERY_STEP_MS = 60_000;

    private final SeriesSource source;

    private final EngineSettings settings;

    private final long start;

    private final long end;

    private final long lookback;

    private final Cancellation cancellation;

    /** Where independent pieces of the query run besides the calling thread; null runs everything on it. */
    private final Executor executor;

    private final Map<Expr.VectorSelector, List<TimeSeries>> data = new IdentityHashMap<>();

    private final Map<Expr.Subquery, SubqueryMemo> subqueryResults = new IdentityHashMap<>();

    private final Map<String, GoRegex> regexCache = new HashMap<>();

    /**
     * Per selector, one search position per series (two for range selectors: window start and end). Steps of a range
     * query move forward, so each search walks on from where the previous step's ended instead of bisecting again.
     */
    private final Map<Expr, int[]> cursors = new IdentityHashMap<>();

    /** Range queries only: values of whole subexpressions at every step, see {@link #precomputeColumns}. */
    private final Map<Expr, Value.Vector[]> columns = new IdentityHashMap<>();

    private long gridStep = 1;

    /** Range queries only: range-function results computed ahead for blocks of steps. */
    private StepBlocks stepBlocks;

    /** Per selector: whether its series are still distinct once {@code __name__} is dropped. */
    private final Map<Expr.VectorSelector, Boolean> namelessDistinct = new IdentityHashMap<>();

    /**
     * Samples the query holds for its whole run or until released: decoded selector data, memoised subquery steps,
     * the range query's result so far.
     */
    private long retainedSamples;

    /**
     * Samples held only while the current top-level step is evaluated: every node's output vector and the windows
     * built for range functions. Together with {@link #retainedSamples} this is what Prometheus' limit bounds, the
     * samples in memory at once.
     */
    private long stepSamples;

    Evaluator(SeriesSource source, EngineSettings settings, long start, long end, Cancellation cancellation,
            Executor executor) {
        this.source = source;
        this.executor = executor;
        this.settings = settings;
        this.start = start;
        this.end = end;
        this.lookback = settings.lookbackDelta().toMillis();
        this.cancellation = cancellation;
    }

    /**
     * Tells the evaluator that it will be asked at every {@code step} from the query's start to its end, so that
     * range functions over selectors can be computed series by series for several steps at once (see
     * {@link StepBlocks}).
     */
    void evaluateOnGrid(long step) {
        gridStep = step;
        stepBlocks = new StepBlocks(this, start, end, step);
    }

    /**
     * Range queries whose root is not evaluated {@link SeriesWise series-wise}: aggregations within it that are, with
     * their values at every step of the grid, read by the step-by-step evaluation. Only where the order of their groups
     * cannot change the answer: a single group, or the buckets of a histogram_quantile() at the root, whose answer is
     * sorted.
     */
    void precomputeColumns(Expr root, SeriesWise seriesWise) {
        Expr e = root;
        while (e instanceof Expr.Paren p) {
            e = p.expr();
        }
        if (e instanceof Expr.Call c && c.function().name().equals("histogram_quantile")) {
            Expr buckets = c.args().get(1);
            while (buckets instanceof Expr.Paren p) {
                buckets = p.expr();
            }
            if (buckets instanceof Expr.Aggregation a && SeriesWise.covers(a)) {
                columns.put(a, seriesWise.columns(a));
                return;
            }
        }
        precomputeOrderedColumns(root, seriesWise);
    }

    private void precomputeOrderedColumns(Expr e, SeriesWise seriesWise) {
        if (e instanceof Expr.Aggregation a && SeriesWise.covers(a) && SeriesWise.keepsOrder(a)) {
            columns.put(a, seriesWise.columns(a));
            return;
        }
        // A subquery's inner expression is evaluated at the subquery's steps, not the query's: not descended into.
        if (e instanceof Expr.Paren p) {
            precomputeOrderedColumns(p.expr(), seriesWise);
        }
        else if (e instanceof Expr.Unary u) {
            precomputeOrderedColumns(u.expr(), seriesWise);
        }
        else if (e instanceof Expr.Binary b) {
            precomputeOrderedColumns(b.lhs(), seriesWise);
            precomputeOrderedColumns(b.rhs(), seriesWise);
        }
        else if (e instanceof Expr.Aggregation a) {
            precomputeOrderedColumns(a.expr(), seriesWise);
        }
        else if (e instanceof Expr.Call c) {
            for (Expr arg : c.args()) {
                precomputeOrderedColumns(arg, seriesWise);
            }
        }
    }

    void forgetColumns() {
        columns.clear();
    }

    /** The precomputed value of {@code e} at {@code t}, or null when there is none. */
    private Value.Vector column(Expr e, long t) {
        Value.Vector[] c = columns.get(e);
        if (c == null || t < start || (t - start) % gridStep != 0 || (t - start) / gridStep >= c.length) {
            return null;
        }
        return c[(int) ((t - start) / gridStep)];
    }

    List<TimeSeries> selected(Expr.VectorSelector vs) {
        return data.get(vs);
    }

    Executor executor() {
        return executor;
    }

    long lookback() {
        return lookback;
    }

    long queryStart() {
        return start;
    }

    long queryEnd() {
        return end;
    }

    /** @throws java.util.regex.PatternSyntaxException for an invalid regex */
    GoRegex anchoredRegex(String regex) {
        return regexCache.computeIfAbsent(regex, GoRegex::compile);
    }

    // ---- loading

    private record Fetch(List<LabelMatcher> matchers, long min, long max) {
    }

    /**
     * Loads every selector's data for the time range [from, to] of evaluation times that reach it. Distinct searches
     * run in parallel on the engine's executor; their results are checked and counted in the query's order, so a
     * limit fails the same way whichever search finished first.
     */
    void load(Expr root) {
        Map<Expr.VectorSelector, Fetch> wanted = new LinkedHashMap<>();
        collect(root, start, end, 0, wanted);
        Map<Fetch, Expr.VectorSelector> firstUse = new LinkedHashMap<>();
        wanted.forEach((vs, f) -> firstUse.putIfAbsent(f, vs));
        List<Fetch> fetches = new ArrayList<>(firstUse.keySet());
        List<Supplier<List<TimeSeries>>> searches = new ArrayList<>(fetches.size());
        for (Fetch f : fetches) {
            searches.add(() -> {
                cancellation.check();
                List<TimeSeries> series = new ArrayList<>(source.select(f.matchers(), f.min(), f.max()));
                if (series.size() > settings.maxSeries()) {
                    throw new PromqlException(PromqlException.ErrorType.EXECUTION, "query selects " + series.size()
                            + " series for " + firstUse.get(f) + ", more than the limit of " + settings.maxSeries());
                }
                series.sort((a, b) -> a.labels().compareTo(b.labels()));
                return series;
            });
        }
        List<List<TimeSeries>> results = ParallelPieces.run(executor, searches);
        Map<Fetch, List<TimeSeries>> fetched = new HashMap<>();
        for (int i = 0; i < fetches.size(); i++) {
            List<TimeSeries> series = results.get(i);
            for (TimeSeries s : series) {
                retain(s.size());
            }
            fetched.put(fetches.get(i), series);
        }
        wanted.forEach((vs, f) -> data.put(vs, fetched.get(f)));
    }

    private void collect(Expr e, long from, long to, long rangeMs, Map<Expr.VectorSelector, Fetch> wanted) {
        if (e instanceof Expr.VectorSelector vs) {
            long baseFrom = vs.at() != null ? vs.at().resolve(start, end) : from;
            long baseTo = vs.at() != null ? vs.at().resolve(start, end) : to;
            long min = baseFrom - vs.offsetMs() - (rangeMs > 0 ? rangeMs : lookback);
            long max = baseTo - vs.offsetMs();
            wanted.put(vs, new Fetch(vs.matchers(), min, max));
        }
        else if (e instanceof Expr.MatrixSelector m) {
            collect(m.selector(), from, to, m.rangeMs(), wanted);
        }
        else if (e instanceof Expr.Subquery sq) {
            long baseFrom = sq.at() != null ? sq.at().resolve(start, end) : from;
            long baseTo = sq.at() != null ? sq.at().resolve(start, end) : to;
            // Refused here, before any storage read, rather than after minutes of evaluating inner steps.
            requireSubqueryPointsWithinLimit(sq);
            collect(sq.expr(), baseFrom - sq.offsetMs() - sq.rangeMs(), baseTo - sq.offsetMs(), 0, wanted);
        }
        else if (e instanceof Expr.Call c) {
            for (Expr a : c.args()) {
                collect(a, from, to, 0, wanted);
            }
        }
        else if (e instanceof Expr.Aggregation a) {
            if (a.param() != null) {
                collect(a.param(), from, to, 0, wanted);
            }
            collect(a.expr(), from, to, 0, wanted);
        }
        else if (e instanceof Expr.Binary b) {
            collect(b.lhs(), from, to, 0, wanted);
            collect(b.rhs(), from, to, 0, wanted);
        }
        else if (e instanceof Expr.Unary u) {
            collect(u.expr(), from, to, 0, wanted);
        }
        else if (e instanceof Expr.Paren p) {
            collect(p.expr(), from, to, 0, wanted);
        }
    }

    /**
     * The group key of {@code metric} in aggregation {@code a}. A range query aggregates the same series at every
     * step, and selectors and {@link Labels#withoutMetricName()} hand out the same instances, so the key is
     * remembered on the label set itself.
     */
    Labels groupKey(Expr.Aggregation a, Labels metric, UnaryOperator<Labels> key) {
        return metric.derived(a, key);
    }

    /** Counts samples the query keeps (until {@link #release}) against {@link EngineSettings#maxSamples()}. */
    void retain(long n) {
        retainedSamples += n;
        requireSamplesWithinLimit();
    }

    void release(long n) {
        retainedSamples -= n;
    }

    /** Counts samples held until the current top-level step is done against {@link EngineSettings#maxSamples()}. */
    private void holdForStep(long n) {
        stepSamples += n;
        requireSamplesWithinLimit();
    }

    private void requireSamplesWithinLimit() {
        if (retainedSamples + stepSamples > settings.maxSamples()) {
            throw QueryLimitException.tooManySamples(settings.maxSamples());
        }
    }

    private void requireSubqueryPointsWithinLimit(Expr.Subquery sq) {
        long points = sq.rangeMs() / subqueryStep(sq) + 1;
        if (points > settings.maxSubqueryPoints()) {
            throw QueryLimitException.tooManySubqueryPoints(settings.maxSubqueryPoints(), sq.toString(), points);
        }
    }

    private static long subqueryStep(Expr.Subquery sq) {
        return sq.stepMs() > 0 ? sq.stepMs() : DEFAULT_SUBQUERY_STEP_MS;
    }

    void checkCancelled() {
        cancellation.check();
    }

    // ---- evaluation

    /** Evaluates the query's root at one top-level step; what the previous step held is gone. */
    Value evalStep(Expr root, long t) {
        stepSamples = 0;
        return eval(root, t);
    }

    /**
     * Evaluates {@code e} at {@code t}. Every node's result passes here and is counted against the sample limit, so
     * no operator or function can build large intermediate vectors unaccounted.
     */
    Value eval(Expr e, long t) {
        Value v = evalNode(e, t);
        if (v instanceof Value.Vector vec) {
            holdForStep(vec.elements().size());
        }
        else if (v instanceof Value.Matrix m) {
            long points = 0;
            for (Value.Window w : m.series()) {
                points += w.size();
            }
            holdForStep(points);
        }
        return v;
    }

    private Value evalNode(Expr e, long t) {
        if (!columns.isEmpty()) {
            Value.Vector c = column(e, t);
            if (c != null) {
                return c;
            }
        }
        if (e instanceof Expr.NumberLiteral n) {
            return new Value.Scalar(n.value());
        }
        if (e instanceof Expr.StringLiteral s) {
            return new Value.Text(s.value());
        }
        if (e instanceof Expr.Paren p) {
            return eval(p.expr(), t);
        }
        if (e instanceof Expr.VectorSelector vs) {
            return instantSelector(vs, t);
        }
        if (e instanceof Expr.MatrixSelector m) {
            return rangeSelector(m, t);
        }
        if (e instanceof Expr.Subquery sq) {
            return subquery(sq, t);
        }
        if (e instanceof Expr.Unary u) {
            return unary(u, t);
        }
        if (e instanceof Expr.Binary b) {
            return BinaryOps.eval(this, b, t);
        }
        if (e instanceof Expr.Aggregation a) {
            return Aggregations.eval(this, a, t);
        }
        if (e instanceof Expr.Call c) {
            if (stepBlocks != null && stepBlocks.covers(c, t)) {
                Value.Vector v = stepBlocks.value(c, t);
                if (!keepsSeriesApart(c)) {
                    requireDistinctLabels(v);
                }
                return v;
            }
            Value v = Functions.call(this, c, t);
            if (v instanceof Value.Vector vec && !keepsSeriesApart(c)) {
                requireDistinctLabels(vec);
            }
            return v;
        }
        throw new PromqlException(PromqlException.ErrorType.INTERNAL, "cannot evaluate " + e);
    }

    /**
     * Whether {@code c} gives at most one element per series of a selector whose series stay distinct without
     * {@code __name__}, so that its result cannot hold one label set twice. Checking that once per query instead of
     * hashing every element at every step matters for range queries over many series.
     */
    private boolean keepsSeriesApart(Expr.Call c) {
        return Functions.ONE_ELEMENT_PER_WINDOW.contains(c.function().name())
                && c.args().get(0) instanceof Expr.MatrixSelector m
                && namelessDistinct.computeIfAbsent(m.selector(), vs -> {
                    List<TimeSeries> series = data.get(vs);
                    Set<Labels> seen = new HashSet<>(series.size() * 2);
                    for (TimeSeries s : series) {
                        if (!seen.add(s.labels().withoutMetricName())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    Value.Vector evalVector(Expr e, long t) {
        return (Value.Vector) eval(e, t);
    }

    double evalScalar(Expr e, long t) {
        return ((Value.Scalar) eval(e, t)).value();
    }

    Value.Matrix evalMatrix(Expr e, long t) {
        return (Value.Matrix) eval(e, t);
    }

    private Value unary(Expr.Unary u, long t) {
        Value v = eval(u.expr(), t);
        if (!u.negate()) {
            return v;
        }
        if (v instanceof Value.Scalar s) {
            return new Value.Scalar(-s.value());
        }
        List<Value.Element> in = ((Value.Vector) v).elements();
        List<Value.Element> out = new ArrayList<>(in.size());
        for (Value.Element el : in) {
            out.add(new Value.Element(el.labels().withoutMetricName(), -el.value(), t));
        }
        Value.Vector result = new Value.Vector(out);
        requireDistinctLabels(result);
        return result;
    }

    private Value.Vector instantSelector(Expr.VectorSelector vs, long t) {
        long ref = (vs.at() != null ? vs.at().resolve(start, end) : t) - vs.offsetMs();
        List<TimeSeries> series = data.get(vs);
        List<Value.Element> out = new ArrayList<>(series.size());
        int[] cursor = cursors(vs, series.size());
        for (int n = 0; n < series.size(); n++) {
            TimeSeries s = series.get(n);
            long[] ts = s.timestamps();
            int i = lastAtOrBefore(ts, ref, cursor, n);
            if (i < 0 || ts[i] < ref - lookback) {
                continue;
            }
            double v = s.values()[i];
            if (StaleMarker.isStale(v)) {
                continue;
            }
            out.add(new Value.Element(s.labels(), v, ts[i]));
        }
        return new Value.Vector(out);
    }

    private Value.Matrix rangeSelector(Expr.MatrixSelector m, long t) {
        Expr.VectorSelector vs = m.selector();
        long windowEnd = (vs.at() != null ? vs.at().resolve(start, end) : t) - vs.offsetMs();
        long windowStart = windowEnd - m.rangeMs();
        List<TimeSeries> series = data.get(vs);
        List<Value.Window> out = new ArrayList<>(series.size());
        int[] cursor = cursors(m, 2 * series.size());
        for (int j = 0; j < series.size(); j++) {
            Value.Window w = window(series.get(j), windowStart, windowEnd, cursor, 2 * j);
            if (w != null) {
                out.add(w);
            }
        }
        return new Value.Matrix(out, windowStart, windowEnd, m.rangeMs());
    }

    /**
     * The samples of {@code s} in {@code (windowStart, windowEnd]} without staleness markers, or null when there are
     * none; {@code cursor[slot]} and {@code cursor[slot + 1]} remember where the window's edges were found.
     */
    static Value.Window window(TimeSeries s, long windowStart, long windowEnd, int[] cursor, int slot) {
        long[] ts = s.timestamps();
        double[] vals = s.values();
        int from = lastAtOrBefore(ts, windowStart - 1, cursor, slot) + 1;
        int to = lastAtOrBefore(ts, windowEnd, cursor, slot + 1);
        if (to < from) {
            return null;
        }
        int n = 0;
        for (int i = from; i <= to; i++) {
            if (!StaleMarker.isStale(vals[i])) {
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        if (n == to - from + 1) {
            return new Value.Window(s.labels(), Arrays.copyOfRange(ts, from, to + 1),
                    Arrays.copyOfRange(vals, from, to + 1));
        }
        long[] wt = new long[n];
        double[] wv = new double[n];
        int k = 0;
        for (int i = from; i <= to; i++) {
            if (!StaleMarker.isStale(vals[i])) {
                wt[k] = ts[i];
                wv[k++] = vals[i];
            }
        }
        return new Value.Window(s.labels(), wt, wv);
    }

    private Value.Matrix subquery(Expr.Subquery sq, long t) {
        requireSubqueryPointsWithinLimit(sq);
        long step = subqueryStep(sq);
        long windowEnd = (sq.at() != null ? sq.at().resolve(start, end) : t) - sq.offsetMs();
        long windowStart = windowEnd - sq.rangeMs();
        long first = Math.floorDiv(windowStart, step) * step;
        if (first < windowStart) {
            first += step;
        }
        SubqueryMemo memo = subqueryResults.computeIfAbsent(sq, k -> new SubqueryMemo());
        memo.forgetBefore(first, step);
        Map<Labels, SeriesBuilder> series = new LinkedHashMap<>();
        for (long ts = first; ts <= windowEnd; ts += step) {
            Value.Vector v = memo.byTime.get(ts);
            if (v == null) {
                cancellation.check();
                // The inner step's intermediates are gone once it is done; only its result stays, in the memo.
                long outerStepSamples = stepSamples;
                v = evalVector(sq.expr(), ts);
                stepSamples = outerStepSamples;
                memo.byTime.put(ts, v);
                retain(v.elements().size());
            }
            for (Value.Element el : v.elements()) {
                series.computeIfAbsent(el.labels(), SeriesBuilder::new).add(ts, el.value());
            }
        }
        List<Value.Window> out = new ArrayList<>(series.size());
        for (SeriesBuilder b : series.values()) {
            out.add(b.window());
        }
        return new Value.Matrix(out, windowStart, windowEnd, sq.rangeMs());
    }

    /**
     * A subquery's inner results by inner step time. Outer steps only move forward, so steps before the current
     * window are dropped (and their samples released) instead of piling up over a long range query.
     */
    private final class SubqueryMemo {

        final Map<Long, Value.Vector> byTime = new HashMap<>();

        /** Steps before this time have been dropped (one evaluated again after that is kept until the next sweep). */
        long floor = Long.MIN_VALUE;

        void forgetBefore(long first, long step) {
            if (first <= floor) {
                return;
            }
            if (floor != Long.MIN_VALUE && (first - floor) / step <= byTime.size()) {
                for (long ts = floor; ts < first; ts += step) {
                    drop(byTime.remove(ts));
                }
            }
            else {
                byTime.entrySet().removeIf(e -> {
                    if (e.getKey() < first) {
                        drop(e.getValue());
                        return true;
                    }
                    return false;
                });
            }
            floor = first;
        }

        private void drop(Value.Vector v) {
            if (v != null) {
                release(v.elements().size());
            }
        }
    }

    private int[] cursors(Expr selector, int size) {
        int[] c = cursors.get(selector);
        if (c == null || c.length != size) {
            c = new int[size];
            Arrays.fill(c, -1);
            cursors.put(selector, c);
        }
        return c;
    }

    /**
     * {@link #lastAtOrBefore(long[], long)} starting from {@code cursor[slot]}, the previous answer for this series,
     * when {@code t} has not moved back before it and the answer is at most a few samples further; bisects otherwise.
     */
    static int lastAtOrBefore(long[] ts, long t, int[] cursor, int slot) {
        int i = cursor[slot];
        if (i < ts.length && (i < 0 || ts[i] <= t)) {
            for (int walked = 0; walked < 16; walked++) {
                if (i + 1 >= ts.length || ts[i + 1] > t) {
                    cursor[slot] = i;
                    return i;
                }
                i++;
            }
        }
        int found = lastAtOrBefore(ts, t);
        cursor[slot] = found;
        return found;
    }

    /** Index of the last timestamp &lt;= {@code t}, or -1. */
    static int lastAtOrBefore(long[] ts, long t) {
        int lo = 0;
        int hi = ts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[mid] <= t) {
                found = mid;
                lo = mid + 1;
            }
            else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Prometheus refuses any intermediate vector in which two elements share a label set. */
    static void requireDistinctLabels(Value.Vector v) {
        List<Value.Element> els = v.elements();
        if (els.size() < 2) {
            return;
        }
        Set<Labels> seen = new HashSet<>(els.size() * 2);
        for (Value.Element el : els) {
            if (!seen.add(el.labels())) {
                throw new PromqlException(PromqlException.ErrorType.EXECUTION,
                        "vector cannot contain metrics with the same labelset");
            }
        }
    }

    /** Accumulates one output series point by point. */
    static final class SeriesBuilder {

        private final Labels labels;

        private long[] ts = new long[8];

        private double[] vs = new double[8];

        private int n;

        SeriesBuilder(Labels labels) {
            this.labels = labels;
        }

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = t;
            vs[n++] = v;
        }

        Value.Window window() {
            return new Value.Window(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
        }

        TimeSeries series() {
            return new TimeSeries(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
        }
    }
}
