package io.basalt.promql.engine;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.parser.Expr;
import io.basalt.promql.parser.ParseException;
import io.basalt.promql.parser.Parser;
import io.basalt.promql.parser.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** Parses and evaluates PromQL with Prometheus 2.42 semantics. Thread-safe; holds no per-query state. */
public final class PromqlEngine {

    /**
     * Range queries with at most this many steps (Prometheus' limit of points per series, which the HTTP API
     * enforces) are evaluated series by series ({@link SeriesWise}). Each row in flight holds a value per step, so
     * this also bounds the few hundred rows a query computes at once to a few MB.
     */
    private static final long MAX_SERIES_WISE_STEPS = 11_000;

    private final EngineSettings settings;

    private final Executor executor;

    /** An engine that evaluates each query on the calling thread alone. */
    public PromqlEngine(EngineSettings settings) {
        this(settings, null);
    }

    /**
     * An engine that also runs independent pieces of a query (distinct selectors' searches, blocks of series) on
     * {@code executor}; the calling thread takes back any piece the executor has not started, so a saturated
     * executor slows a query down to one thread, never blocks it.
     */
    public PromqlEngine(EngineSettings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Evaluates {@code query} at {@code time} (ms). */
    public QueryResult instantQuery(SeriesSource source, String query, long time) {
        return instantQuery(source, query, time, Cancellation.NONE);
    }

    /** Like {@link #instantQuery(SeriesSource, String, long)}, stoppable through {@code cancellation}. */
    public QueryResult instantQuery(SeriesSource source, String query, long time, Cancellation cancellation) {
        Expr expr = parse(query);
        Evaluator ev = new Evaluator(source, settings, time, time, cancellation, executor);
        ev.load(expr);
        // A one-step grid: range functions over selectors then walk series by series (StepBlocks) instead of first
        // copying every series' window into one matrix, which held (and counted) the selected samples twice.
        ev.evaluateOnGrid(1);
        Value v = ev.evalStep(expr, time);
        if (v instanceof Value.Scalar s) {
            return new QueryResult.Scalar(time, s.value());
        }
        if (v instanceof Value.Text s) {
            return new QueryResult.StringValue(time, s.value());
        }
        if (v instanceof Value.Vector vec) {
            List<QueryResult.Sample> out = new ArrayList<>(vec.elements().size());
            for (Value.Element el : vec.elements()) {
                out.add(new QueryResult.Sample(el.labels(), time, el.value()));
            }
            return new QueryResult.Vector(out);
        }
        Value.Matrix m = (Value.Matrix) v;
        List<TimeSeries> out = new ArrayList<>(m.series().size());
        for (Value.Window w : m.series()) {
            out.add(new TimeSeries(w.labels(), w.timestamps(), w.values()));
        }
        return new QueryResult.Matrix(out);
    }

    /** Evaluates {@code query} at every step from {@code start} to {@code end} (ms); always a matrix. */
    public QueryResult rangeQuery(SeriesSource source, String query, long start, long end, long step) {
        return rangeQuery(source, query, start, end, step, Cancellation.NONE);
    }

    /** Like {@link #rangeQuery(SeriesSource, String, long, long, long)}, stoppable through {@code cancellation}. */
    public QueryResult rangeQuery(SeriesSource source, String query, long start, long end, long step,
            Cancellation cancellation) {
        if (step <= 0) {
            throw new PromqlException(PromqlException.ErrorType.BAD_DATA,
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if (end < start) {
            throw new PromqlException(PromqlException.ErrorType.BAD_DATA, "end timestamp must not be before start time");
        }
        Expr expr = parse(query);
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.VECTOR) {
            throw new PromqlException(PromqlException.ErrorType.BAD_DATA, "invalid expression type \""
                    + expr.type().displayName() + "\" for range query, must be Scalar or instant Vector");
        }
        Evaluator ev = new Evaluator(source, settings, start, end, cancellation, executor);
        ev.load(expr);
        ev.evaluateOnGrid(step);
        long steps = (end - start) / step + 1;
        if (steps <= MAX_SERIES_WISE_STEPS) {
            SeriesWise seriesWise = new SeriesWise(ev, start, step, (int) steps);
            try {
                if (SeriesWise.covers(expr)) {
                    return new QueryResult.Matrix(seriesWise.result(expr));
                }
                ev.precomputeColumns(expr, seriesWise);
            }
            catch (SeriesWise.NeedsSteps e) {
                ev.release(seriesWise.retained());
                ev.forgetColumns();
            }
        }
        Map<Labels, Evaluator.SeriesBuilder> series = new LinkedHashMap<>();
        for (long t = start; t <= end; t += step) {
            ev.checkCancelled();
            Value v = ev.evalStep(expr, t);
            if (v instanceof Value.Scalar s) {
                series.computeIfAbsent(Labels.EMPTY, Evaluator.SeriesBuilder::new).add(t, s.value());
                ev.retain(1);
            }
            else {
                List<Value.Element> els = ((Value.Vector) v).elements();
                for (Value.Element el : els) {
                    series.computeIfAbsent(el.labels(), Evaluator.SeriesBuilder::new).add(t, el.value());
                }
                ev.retain(els.size());
            }
            if (t > Long.MAX_VALUE - step) {
                break;
            }
        }
        List<TimeSeries> out = new ArrayList<>(series.size());
        for (Evaluator.SeriesBuilder b : series.values()) {
            out.add(b.series());
        }
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return new QueryResult.Matrix(out);
    }

    /**
     * Parses a series selector as used by {@code match[]} ({@code up}, {@code {job="x"}}, ...).
     *
     * @throws PromqlException of type {@code bad_data} when it is not a plain selector
     */
    public static List<LabelMatcher> parseSeriesSelector(String selector) {
        try {
            return Parser.parseSelector(selector).matchers();
        }
        catch (ParseException e) {
            throw new PromqlException(PromqlException.ErrorType.BAD_DATA, e.getMessage());
        }
    }

    /** Parses {@code query}; a syntax or type error becomes a {@code bad_data} {@link PromqlException}. */
    public static Expr parse(String query) {
        try {
            return Parser.parse(query);
        }
        catch (ParseException e) {
            throw new PromqlException(PromqlException.ErrorType.BAD_DATA, e.getMessage());
        }
    }
}
