package io.basalt.promql.engine;

import java.time.Duration;

/**
 * Evaluation limits and defaults.
 *
 * @param lookbackDelta     how far back an instant selector looks for a sample (Prometheus: 5m)
 * @param maxSamples        most samples one query may hold in memory at once (decoded samples, subquery points,
 *                          the current step's intermediate vectors and the result) before it fails with a clear error
 * @param maxSeries         most series one selector may return
 * @param maxSubqueryPoints most points one series of a subquery may have in one window ({@code range / resolution});
 *                          every inner step is an evaluation of the whole inner expression, so this bounds the work of
 *                          a subquery even when it holds few samples (VictoriaMetrics: 100,000)
 */
public record EngineSettings(Duration lookbackDelta, long maxSamples, int maxSeries, long maxSubqueryPoints) {

    public static final long DEFAULT_MAX_SUBQUERY_POINTS = 100_000;

    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofMinutes(5), 50_000_000L, 300_000);

    public EngineSettings(Duration lookbackDelta, long maxSamples, int maxSeries) {
        this(lookbackDelta, maxSamples, maxSeries, DEFAULT_MAX_SUBQUERY_POINTS);
    }
}
