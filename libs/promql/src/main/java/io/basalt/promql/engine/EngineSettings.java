package io.basalt.promql.engine;

import java.time.Duration;

/**
 * Evaluation limits and defaults.
 *
 * @param lookbackDelta how far back an instant selector looks for a sample (Prometheus: 5m)
 * @param maxSamples    most samples one query may hold in memory before it fails with a clear error
 * @param maxSeries     most series one selector may return
 */
public record EngineSettings(Duration lookbackDelta, long maxSamples, int maxSeries) {

    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofMinutes(5), 50_000_000L, 300_000);
}
