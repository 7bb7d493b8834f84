package io.basalt.promql.engine;

import io.basalt.model.LabelMatcher;
import java.util.List;

/** Parses and evaluates PromQL with Prometheus 2.42 semantics. Thread-safe; holds no per-query state. */
public final class PromqlEngine {

    private final EngineSettings settings;

    public PromqlEngine(EngineSettings settings) {
        this.settings = settings;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Evaluates {@code query} at {@code time} (ms). */
    public QueryResult instantQuery(SeriesSource source, String query, long time) {
        throw new PromqlException(PromqlException.ErrorType.INTERNAL, "not implemented yet");
    }

    /** Evaluates {@code query} at every step from {@code start} to {@code end} (ms); always a matrix. */
    public QueryResult rangeQuery(SeriesSource source, String query, long start, long end, long step) {
        throw new PromqlException(PromqlException.ErrorType.INTERNAL, "not implemented yet");
    }

    /**
     * Parses a series selector as used by {@code match[]} ({@code up}, {@code {job="x"}}, ...).
     *
     * @throws PromqlException of type {@code bad_data} when it is not a plain selector
     */
    public static List<LabelMatcher> parseSeriesSelector(String selector) {
        throw new PromqlException(PromqlException.ErrorType.INTERNAL, "not implemented yet");
    }
}
