package io.basalt.promql.engine;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TimeSeries;
import java.util.List;

/** Where the evaluator reads raw samples from: a storage engine, or select-service's fan-out to storage nodes. */
@FunctionalInterface
public interface SeriesSource {

    /**
     * Every series matching all {@code matchers} with samples in {@code [minTime, maxTime]} (ms, inclusive), with
     * those samples in time order.
     */
    List<TimeSeries> select(List<LabelMatcher> matchers, long minTime, long maxTime);
}
