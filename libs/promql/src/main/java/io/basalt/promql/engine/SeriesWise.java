package io.basalt.promql.engine;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.promql.parser.AggregationOp;
import io.basalt.promql.parser.Expr;
import io.basalt.promql.parser.Expr.VectorMatching;
import io.basalt.promql.parser.Expr.VectorMatching.Cardinality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A range query evaluated series by series over all its steps, as VictoriaMetrics' rollups are: a range function
 * reads a series' samples once and slides its window along every step; an aggregation adds whole step arrays into
 * its groups, with the group key computed once per series; binary operators match series once, not once per step.
 *
 * <p>Series flow through as {@link Row}s, one at a time, so {@code sum(rate(x[5m]))} over 50,000 series never holds
 * more than one series' step values plus the groups. Only what a consumer must look up (the "one" side of a vector
 * match) is held, and counted against the sample limit.
 *
 * <p>Covers the shapes dashboards send ({@link #covers}); anything else is evaluated step by step. Where Prometheus
 * would fail at some step (two series with the same label set after the name is dropped, ambiguous matches), this
 * class gives up with {@link NeedsSteps} and the caller evaluates the query step by step, which reports the error
 * exactly as Prometheus does, or answers when the clash never happens at one step.
 */
final class SeriesWise {

    /** The query needs step-by-step evaluation to be answered exactly as Prometheus does. */
    static final class NeedsSteps extends RuntimeException {

        NeedsSteps() {
            super(null, null, false, false);
        }
    }

    /** One series at every step. A stream reuses its rows' arrays, so a consumer copies what it keeps. */
    static final class Row {

        Labels labels;

        final double[] values;

        final boolean[] present;

        /** Steps with a value, kept by {@link #set} so that empty rows are skipped without a scan. */
        private int points;

        Row(int steps) {
            values = new double[steps];
            present = new boolean[steps];
        }

        /** Starts the row over for another series; every step must then be {@link #set}. */
        void start(Labels labels) {
            this.labels = labels;
            points = 0;
        }

        void set(int step, boolean hasValue, double value) {
            present[step] = hasValue;
            values[step] = value;
            if (hasValue) {
                points++;
            }
        }

        boolean any() {
            return points > 0;
        }

        int points() {
            return points;
        }

        Row copy() {
            Row c = new Row(values.length);
            c.labels = labels;
            c.points = points;
            System.arraycopy(values, 0, c.values, 0, values.length);
            System.arraycopy(present, 0, c.present, 0, present.length);
            return c;
        }
    }

    /** A node's series, produced one at a time. */
    @FunctionalInterface
    interface Rows {

        void forEach(Consumer<Row> sink);
    }

    private static final Set<AggregationOp> AGGREGATIONS = Set.of(AggregationOp.SUM, AggregationOp.AVG,
            AggregationOp.MIN, AggregationOp.MAX, AggregationOp.COUNT, AggregationOp.GROUP, AggregationOp.STDDEV,
            AggregationOp.STDVAR);

    /** The largest k of a topk or bottomk evaluated here; each step keeps its k best in a sorted array. */
    private static final int MAX_K = 64;

    /** Pieces of series evaluated at once: one per core, the calling thread's included. */
    private static final int PIECES = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** Series per piece: enough to outweigh handing a piece to another thread, few enough to keep rows in cache. */
    private static final int SERIES_PER_PIECE = 128;

    /** Aggregations whose result does not depend on the order of their input. */
    private static final Set<AggregationOp> ORDER_BLIND = Set.of(AggregationOp.COUNT, AggregationOp.GROUP);

    private final Evaluator ev;

    private final long start;

    private final long step;

    private final int steps;

    /** Samples this evaluation retained; given back if it has to give up. */
    private long retained;

    SeriesWise(Evaluator ev, long start, long step, int steps) {
        this.ev = ev;
        this.start = start;
        this.step = step;
        this.steps = steps;
    }

    /** Whether {@code e} is a vector expression made only of what this class evaluates. */
    static boolean covers(Expr e) {
        if (e instanceof Expr.Paren p) {
            return covers(p.expr());
        }
        if (e instanceof Expr.VectorSelector) {
            return true;
        }
        if (e instanceof Expr.Call c) {
            return c.args().size() == 1 && c.args().get(0) instanceof Expr.MatrixSelector
                    && WindowFunctions.named(c.function().name()) != null;
        }
        if (e instanceof Expr.Aggregation a) {
            if (a.op() == AggregationOp.TOPK || a.op() == AggregationOp.BOTTOMK) {
                Double k = constant(a.param());
                return k != null && k >= 1 && k <= MAX_K && covers(a.expr()) && keepsOrder(a.expr());
            }
            return a.param() == null && AGGREGATIONS.contains(a.op()) && covers(a.expr())
                    && (ORDER_BLIND.contains(a.op()) || keepsOrder(a.expr()));
        }
        if (e instanceof Expr.Binary b) {
            if (b.op().isSetOperator()) {
                return false;
            }
            boolean l = covers(b.lhs());
            boolean r = covers(b.rhs());
            return l && r || l && constant(b.rhs()) != null || r && constant(b.lhs()) != null;
        }
        return false;
    }

    /**
     * Whether the elements of {@code e} come in one order at every step, so that a row stream gives them in the order
     * the step-by-step path does. An aggregation lists its groups in the order they first appear at that step, which
     * may change from step to step; that order matters to a floating-point sum, and even to max and min (-0 and 0).
     */
    static boolean keepsOrder(Expr e) {
        if (e instanceof Expr.Paren p) {
            return keepsOrder(p.expr());
        }
        if (e instanceof Expr.Aggregation a) {
            // topk lists each step's winners best first, which also changes from step to step
            return !a.without() && a.grouping().isEmpty() && a.param() == null;
        }
        if (e instanceof Expr.Binary b) {
            if (constant(b.lhs()) != null) {
                return keepsOrder(b.rhs());
            }
            if (constant(b.rhs()) != null) {
                return keepsOrder(b.lhs());
            }
            return keepsOrder(b.matching().cardinality() == Cardinality.ONE_TO_MANY ? b.rhs() : b.lhs());
        }
        return true;
    }

    /** The value of a number literal, possibly in parentheses or negated; null for anything else. */
    private static Double constant(Expr e) {
        if (e instanceof Expr.NumberLiteral n) {
            return n.value();
        }
        if (e instanceof Expr.Paren p) {
            return constant(p.expr());
        }
        if (e instanceof Expr.Unary u) {
            Double inner = constant(u.expr());
            return inner == null ? null : u.negate() ? -inner : inner;
        }
        return null;
    }

    /** The samples this evaluation counted against the query's limit, to give back when it gives up. */
    long retained() {
        return retained;
    }

    /** Evaluates a {@link #covers covered} expression and keeps every series it gives, counted. */
    List<Row> materialize(Expr e) {
        List<Row> out = new ArrayList<>();
        rows(e).forEach(r -> {
            if (r.any()) {
                Row c = r.copy();
                retain(c.points());
                out.add(c);
            }
        });
        return out;
    }

    private void retain(long n) {
        retained += n;
        ev.retain(n);
    }

    private long timeAt(int i) {
        return start + i * step;
    }

    Rows rows(Expr e) {
        if (e instanceof Expr.Paren p) {
            return rows(p.expr());
        }
        if (e instanceof Expr.VectorSelector vs) {
            return selector(vs);
        }
        if (e instanceof Expr.Call c) {
            return rangeFunction(WindowFunctions.named(c.function().name()), (Expr.MatrixSelector) c.args().get(0));
        }
        if (e instanceof Expr.Aggregation a) {
            return a.param() != null ? best(a) : aggregation(a);
        }
        Expr.Binary b = (Expr.Binary) e;
        Double l = constant(b.lhs());
        Double r = constant(b.rhs());
        if (l != null) {
            return vectorScalar(b, rows(b.rhs()), l, true);
        }
        if (r != null) {
            return vectorScalar(b, rows(b.lhs()), r, false);
        }
        return vectorVector(b);
    }

    /** Per step, the series' last sample within the lookback window, as an instant selector reads it. */
    private Rows selector(Expr.VectorSelector vs) {
        long lookback = ev.lookback();
        return perSeries(ev.selected(vs), (s, row, cursor) -> {
            long[] ts = s.timestamps();
            double[] vals = s.values();
            row.start(s.labels());
            cursor[0] = -1;
            for (int i = 0; i < steps; i++) {
                long ref = (vs.at() != null ? vs.at().resolve(ev.queryStart(), ev.queryEnd()) : timeAt(i))
                        - vs.offsetMs();
                int k = Evaluator.lastAtOrBefore(ts, ref, cursor, 0);
                boolean found = k >= 0 && ts[k] >= ref - lookback && !StaleMarker.isStale(vals[k]);
                row.set(i, found, found ? vals[k] : 0);
            }
        });
    }

    /** The function's window slid along each series: two cursors move forward, nothing is copied per step. */
    private Rows rangeFunction(WindowFunctions f, Expr.MatrixSelector m) {
        Expr.VectorSelector vs = m.selector();
        return distinct(perSeries(ev.selected(vs), (raw, row, cursor) -> {
            TimeSeries s = withoutStaleMarkers(raw);
            long[] ts = s.timestamps();
            double[] vals = s.values();
            int[] drops = f.countsResets() ? WindowFunctions.dropsUpTo(vals) : null;
            row.start(f.keepsName() ? s.labels() : s.labels().withoutMetricName());
            cursor[0] = -1;
            cursor[1] = -1;
            for (int i = 0; i < steps; i++) {
                long windowEnd = (vs.at() != null ? vs.at().resolve(ev.queryStart(), ev.queryEnd()) : timeAt(i))
                        - vs.offsetMs();
                long windowStart = windowEnd - m.rangeMs();
                int from = Evaluator.lastAtOrBefore(ts, windowStart - 1, cursor, 0) + 1;
                int to = Evaluator.lastAtOrBefore(ts, windowEnd, cursor, 1);
                boolean defined = to >= from && f.definedOn(ts, from, to);
                row.set(i, defined,
                        defined ? f.apply(ts, vals, drops, from, to, windowStart, windowEnd, m.rangeMs()) : 0);
            }
        }));
    }

    /** Computes one series' row; {@code cursor} is scratch space of two search positions, owned by the caller. */
    @FunctionalInterface
    private interface SeriesFill {

        void fill(TimeSeries series, Row row, int[] cursor);
    }

    /**
     * A row per series, computed in blocks of {@link #SERIES_PER_PIECE} series on the engine's executor and the
     * calling thread at once, handed out in series order so that consumers see exactly what one thread would give.
     */
    private Rows perSeries(List<TimeSeries> series, SeriesFill fill) {
        return sink -> {
            Row[][] buffers = new Row[PIECES][];
            for (int first = 0; first < series.size(); first += PIECES * SERIES_PER_PIECE) {
                ev.checkCancelled();
                List<Supplier<Row[]>> pieces = new ArrayList<>(PIECES);
                for (int p = 0; p < PIECES && first + p * SERIES_PER_PIECE < series.size(); p++) {
                    int from = first + p * SERIES_PER_PIECE;
                    int to = Math.min(from + SERIES_PER_PIECE, series.size());
                    if (buffers[p] == null) {
                        buffers[p] = new Row[SERIES_PER_PIECE];
                    }
                    Row[] rows = buffers[p];
                    pieces.add(() -> {
                        int[] cursor = new int[2];
                        for (int j = from; j < to; j++) {
                            if (rows[j - from] == null) {
                                rows[j - from] = new Row(steps);
                            }
                            fill.fill(series.get(j), rows[j - from], cursor);
                        }
                        return rows;
                    });
                }
                List<Row[]> done = ParallelPieces.run(ev.executor(), pieces);
                for (int p = 0; p < done.size(); p++) {
                    int from = first + p * SERIES_PER_PIECE;
                    int count = Math.min(SERIES_PER_PIECE, series.size() - from);
                    for (int j = 0; j < count; j++) {
                        sink.accept(done.get(p)[j]);
                    }
                }
            }
        };
    }

    private static TimeSeries withoutStaleMarkers(TimeSeries s) {
        double[] vals = s.values();
        int stale = 0;
        for (double v : vals) {
            if (StaleMarker.isStale(v)) {
                stale++;
            }
        }
        if (stale == 0) {
            return s;
        }
        long[] ts = s.timestamps();
        long[] keptTs = new long[vals.length - stale];
        double[] keptVals = new double[keptTs.length];
        int k = 0;
        for (int i = 0; i < vals.length; i++) {
            if (!StaleMarker.isStale(vals[i])) {
                keptTs[k] = ts[i];
                keptVals[k++] = vals[i];
            }
        }
        return new TimeSeries(s.labels(), keptTs, keptVals);
    }

    /** Running state of one output group over all steps. */
    private final class Group {

        final Labels labels;

        final double[] value = new double[steps];

        final double[] mean = new double[steps];

        final long[] count = new long[steps];

        Group(Labels labels) {
            this.labels = labels;
        }
    }

    /** The same arithmetic as {@link Aggregations#eval}, step by step within each series' row. */
    private Rows aggregation(Expr.Aggregation a) {
        return sink -> {
            AggregationOp op = a.op();
            List<String> grouping = a.grouping();
            Map<Labels, Group> groups = new LinkedHashMap<>();
            rows(a.expr()).forEach(row -> {
                Labels key = ev.groupKey(a, row.labels,
                        metric -> Aggregations.groupLabels(metric, grouping, a.without()));
                Group g = null;
                for (int i = 0; i < steps; i++) {
                    if (!row.present[i]) {
                        continue;
                    }
                    if (g == null) {
                        g = groups.computeIfAbsent(key, Group::new);
                    }
                    double v = row.values[i];
                    long count = ++g.count[i];
                    if (count == 1) {
                        g.value[i] = switch (op) {
                            case STDDEV, STDVAR -> 0;
                            case GROUP -> 1;
                            default -> v;
                        };
                        g.mean[i] = v;
                        continue;
                    }
                    switch (op) {
                        case SUM -> g.value[i] += v;
                        case AVG -> g.mean[i] = Aggregations.avgStep(g.mean[i], v, count);
                        case MAX -> {
                            if (g.value[i] < v || Double.isNaN(g.value[i])) {
                                g.value[i] = v;
                            }
                        }
                        case MIN -> {
                            if (g.value[i] > v || Double.isNaN(g.value[i])) {
                                g.value[i] = v;
                            }
                        }
                        case STDDEV, STDVAR -> {
                            double delta = v - g.mean[i];
                            g.mean[i] += delta / count;
                            g.value[i] += delta * (v - g.mean[i]);
                        }
                        default -> {
                        }
                    }
                }
            });
            retain((long) groups.size() * steps);
            Row out = new Row(steps);
            for (Group g : groups.values()) {
                out.start(g.labels);
                for (int i = 0; i < steps; i++) {
                    long count = g.count[i];
                    out.set(i, count > 0, switch (op) {
                        case AVG -> g.mean[i];
                        case COUNT -> count;
                        case STDVAR -> g.value[i] / count;
                        case STDDEV -> Math.sqrt(g.value[i] / count);
                        default -> g.value[i];
                    });
                }
                sink.accept(out);
            }
        };
    }

    /**
     * topk and bottomk as {@link Aggregations#eval} gives them: at each step, each group's k best series, ties going
     * to the series that comes first. Each group keeps, per step, its best k so far in a sorted array, so a series
     * is read once and never held.
     */
    private Rows best(Expr.Aggregation a) {
        int k = (int) (double) constant(a.param());
        boolean top = a.op() == AggregationOp.TOPK;
        return sink -> {
            List<Labels> seriesLabels = new ArrayList<>();
            Map<Labels, Winners> groups = new LinkedHashMap<>();
            rows(a.expr()).forEach(row -> {
                if (!row.any()) {
                    return;
                }
                int index = seriesLabels.size();
                seriesLabels.add(row.labels);
                Labels key = ev.groupKey(a, row.labels,
                        metric -> Aggregations.groupLabels(metric, a.grouping(), a.without()));
                Winners w = groups.computeIfAbsent(key, x -> new Winners(k));
                for (int i = 0; i < steps; i++) {
                    if (row.present[i]) {
                        w.offer(i, index, row.values[i], top);
                    }
                }
            });
            Map<Integer, Row> chosen = new java.util.TreeMap<>();
            for (Winners w : groups.values()) {
                for (int i = 0; i < steps; i++) {
                    for (int j = 0; j < w.size[i]; j++) {
                        int index = w.series[i][j];
                        Row r = chosen.computeIfAbsent(index, x -> {
                            Row fresh = new Row(steps);
                            fresh.start(seriesLabels.get(x));
                            return fresh;
                        });
                        r.set(i, true, w.values[i][j]);
                    }
                }
            }
            for (Row r : chosen.values()) {
                retain(r.points());
                sink.accept(r);
            }
        };
    }

    /** One group's best k series at every step, best first; among equals, the one that came first. */
    private final class Winners {

        final int[][] series;

        final double[][] values;

        final int[] size = new int[steps];

        Winners(int k) {
            series = new int[steps][k];
            values = new double[steps][k];
        }

        void offer(int step, int index, double v, boolean top) {
            double[] vs = values[step];
            int[] ids = series[step];
            int n = size[step];
            int k = vs.length;
            // after every kept value that is at least as good as v: the first of equals stays ahead
            int at = n;
            while (at > 0 && !better(vs[at - 1], v, top) && !equallyGood(vs[at - 1], v)) {
                at--;
            }
            if (at >= k) {
                return;
            }
            int last = Math.min(n, k - 1);
            System.arraycopy(vs, at, vs, at + 1, last - at);
            System.arraycopy(ids, at, ids, at + 1, last - at);
            vs[at] = v;
            ids[at] = index;
            size[step] = Math.min(n + 1, k);
        }
    }

    /** The order of {@link Aggregations}' topk: NaN last, then by value. */
    private static boolean better(double x, double y, boolean top) {
        boolean xn = Double.isNaN(x);
        boolean yn = Double.isNaN(y);
        if (xn || yn) {
            return !xn && yn;
        }
        return top ? Double.compare(x, y) > 0 : Double.compare(x, y) < 0;
    }

    private static boolean equallyGood(double x, double y) {
        boolean xn = Double.isNaN(x);
        boolean yn = Double.isNaN(y);
        return xn || yn ? xn && yn : Double.compare(x, y) == 0;
    }

    /** As {@link BinaryOps} between a vector and a number. */
    private Rows vectorScalar(Expr.Binary b, Rows vector, double scalar, boolean scalarLeft) {
        boolean dropName = BinaryOps.dropsName(b.op()) || b.returnBool();
        Rows mapped = sink -> {
            Row out = new Row(steps);
            vector.forEach(row -> {
                out.start(dropName ? row.labels.withoutMetricName() : row.labels);
                for (int i = 0; i < steps; i++) {
                    double el = row.values[i];
                    combine(b, out, i, scalarLeft ? scalar : el, scalarLeft ? el : scalar, el, row.present[i]);
                }
                sink.accept(out);
            });
        };
        return dropName ? distinct(mapped) : mapped;
    }

    /** As {@link BinaryOps} between two vectors (not the set operators), when every match is unambiguous. */
    private Rows vectorVector(Expr.Binary b) {
        VectorMatching m = b.matching();
        boolean swapped = m.cardinality() == Cardinality.ONE_TO_MANY;
        Expr manySide = swapped ? b.rhs() : b.lhs();
        Expr oneSide = swapped ? b.lhs() : b.rhs();
        return distinct(sink -> {
            Map<Labels, Row> oneBySignature = new HashMap<>();
            for (Row one : materialize(oneSide)) {
                if (oneBySignature.put(BinaryOps.signature(one.labels, m), one) != null) {
                    throw new NeedsSteps();
                }
            }
            Set<Labels> matched = new HashSet<>();
            Row out = new Row(steps);
            rows(manySide).forEach(row -> {
                Labels sig = BinaryOps.signature(row.labels, m);
                Row match = oneBySignature.get(sig);
                if (match == null) {
                    return;
                }
                out.start(BinaryOps.resultLabels(row.labels, match.labels, b));
                for (int i = 0; i < steps; i++) {
                    double l = swapped ? match.values[i] : row.values[i];
                    double r = swapped ? row.values[i] : match.values[i];
                    combine(b, out, i, l, r, l, row.present[i] && match.present[i]);
                }
                if (!out.any()) {
                    return;
                }
                // One-to-one: one left series per signature is never ambiguous; Prometheus only fails when two of
                // them match at one step, which the step-by-step path finds out. With group_left/group_right the
                // result label sets must differ, which distinct() checks.
                if (m.cardinality() == Cardinality.ONE_TO_ONE && !matched.add(sig)) {
                    throw new NeedsSteps();
                }
                sink.accept(out);
            });
        });
    }

    /**
     * Sets step {@code i} of {@code out} to {@code l op r}; a comparison without {@code bool} keeps {@code kept} (the
     * vector's value, or the left one between vectors) or drops the step.
     */
    private static void combine(Expr.Binary b, Row out, int i, double l, double r, double kept, boolean present) {
        double v = BinaryOps.apply(b.op(), l, r);
        if (b.op().isComparison()) {
            boolean keep = v != 0;
            if (b.returnBool()) {
                v = keep ? 1 : 0;
            }
            else {
                present &= keep;
                v = kept;
            }
        }
        out.set(i, present, v);
    }

    /**
     * Fails over to step-by-step evaluation when two series of {@code rows} share a label set: Prometheus refuses
     * that only at a step where both have a value.
     */
    private Rows distinct(Rows rows) {
        return sink -> {
            Set<Labels> seen = new HashSet<>();
            rows.forEach(row -> {
                if (row.any()) {
                    if (!seen.add(row.labels)) {
                        throw new NeedsSteps();
                    }
                    sink.accept(row);
                }
            });
        };
    }

    /** The series of a covered expression as the columns the step-by-step path reads, one vector per step. */
    Value.Vector[] columns(Expr e) {
        List<Row> rows = materialize(e);
        Value.Vector[] columns = new Value.Vector[steps];
        for (int i = 0; i < steps; i++) {
            List<Value.Element> els = new ArrayList<>();
            long t = timeAt(i);
            for (Row r : rows) {
                if (r.present[i]) {
                    els.add(new Value.Element(r.labels, r.values[i], t));
                }
            }
            columns[i] = new Value.Vector(els);
        }
        return columns;
    }

    /** The rows of a covered root expression as the range query's answer, sorted by labels. */
    List<TimeSeries> result(Expr e) {
        List<TimeSeries> out = new ArrayList<>();
        rows(e).forEach(row -> {
            int n = row.points();
            if (n == 0) {
                return;
            }
            long[] ts = new long[n];
            double[] vs = new double[n];
            int k = 0;
            for (int i = 0; i < steps; i++) {
                if (row.present[i]) {
                    ts[k] = timeAt(i);
                    vs[k++] = row.values[i];
                }
            }
            retain(n);
            out.add(new TimeSeries(row.labels, ts, vs));
        });
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }
}
