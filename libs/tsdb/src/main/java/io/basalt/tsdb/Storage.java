package io.basalt.tsdb;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The engine behind one storage node. Every method is thread-safe. An {@link #append} that returns has made its
 * samples visible to searches and as durable as the engine promises; one that throws stored nothing the caller may
 * count on.
 */
public interface Storage extends AutoCloseable {

    /** Stores the samples of each series; samples may be out of order, late, or duplicates. */
    void append(TenantId tenant, List<TimeSeries> series);

    /**
     * Stores a batch whose label sets are still bytes, as an insert request carries them.
     *
     * @throws io.basalt.model.InvalidLabelsException when a label set is invalid; nothing was stored
     */
    default void append(TenantId tenant, SeriesBatch batch) {
        append(tenant, batch.toTimeSeries());
    }

    /**
     * Streams every series of {@code tenant} that matches all {@code matchers} and has samples in
     * {@code [minTime, maxTime]} (inclusive, ms), with those samples in time order. Each series is passed exactly once.
     */
    void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime, Consumer<TimeSeries> sink);

    /**
     * Like {@link #search(TenantId, List, long, long, Consumer)} for the series whose labels
     * {@code wanted} accepts; an engine that can tests it before reading a series' samples, so a narrow filter (a
     * repairer's series-hash range) reads only what it passes.
     */
    default void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            Predicate<Labels> wanted, Consumer<TimeSeries> sink) {
        search(tenant, matchers, minTime, maxTime, ts -> {
            if (wanted.test(ts.labels())) {
                sink.accept(ts);
            }
        });
    }

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

    /** Makes every acknowledged sample durable in immutable storage; a no-op for volatile engines. */
    default void flush() {
    }

    /**
     * Deletes the series of {@code tenant} matching all {@code matchers} (at least one); later samples with the same
     * labels start a new series.
     *
     * @return how many series were deleted
     * @throws UnsupportedOperationException by engines that cannot delete
     */
    default int deleteSeries(TenantId tenant, List<LabelMatcher> matchers) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete series");
    }

    /** Whether appends are currently refused (e.g. the disk is nearly full); reads keep working. */
    default boolean isReadOnly() {
        return false;
    }

    @Override
    void close();
}
