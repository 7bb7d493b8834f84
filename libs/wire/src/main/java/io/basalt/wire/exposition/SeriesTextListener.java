package io.basalt.wire.exposition;

import io.basalt.wire.metadata.MetricMetadata;

/**
 * A listener that remembers series by how the page writes them, so that a scraper seeing the same page again skips
 * parsing labels it has already parsed (Prometheus' scrape cache does the same).
 */
public interface SeriesTextListener extends ExpositionListener {

    /**
     * Offered every sample before its labels are parsed: {@code page[from, to)} is the series as written on the page
     * (the metric name and its label set, braces included). A listener that has seen this text before takes the
     * sample here and answers {@code true}; {@link #sample} is then not called for it. Answering {@code false} makes
     * the parser read the labels and call {@link #sample}. The bytes are only valid during the call.
     */
    boolean sampleOfKnownSeries(MetricMetadata family, byte[] page, int from, int to, double value,
            long timestampMillis);
}
