package io.basalt.tsdb;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine behind one storage node. Every method is thread-safe. An {@link #append} that returns has made its
 * samples visible to searches and as durable as the engine promises; one that throws stored nothing the caller may
 * count on.
 */
public interface Storage extends AutoCloseable {

    /** Stores the samples of each series; samples may be out of order, late, or duplicates. */
    void append(TenantId tenant, List<TimeSeries> series);

    /**
     * Streams every series of {@code tenant} that matches all {@code matchers} and has samples in
     * {@code [minTime, maxTime]} (inclusive, ms), with those samples in time order. Each series is passed exactly once.
     */
    void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime, Consumer<TimeSeries> sink);

    /** Label sets of the matching series with samples in the range, without their samples. */
    List<Labels> series(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime);

    /** Sorted label names of matching series (all series when {@code matchers} is empty). */
    List<String> labelNames(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime);

    /** Sorted values of label {@code name} over matching series (all series when {@code matchers} is empty). */
    List<String> labelValues(TenantId tenant, String name, List<LabelMatcher> matchers, long minTime, long maxTime);

    /** Number of distinct series stored for every tenant, for status pages and metrics. */
    long seriesCount();

    /** Number of samples ever accepted by this engine instance. */
    long samplesAppended();

    @Override
    void close();
}
