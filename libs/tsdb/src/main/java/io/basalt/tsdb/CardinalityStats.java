package io.basalt.tsdb;

import java.util.List;

/**
 * Series counts in the shape of VictoriaMetrics' {@code /api/v1/status/tsdb}: the top entries by metric name, by
 * label name and by label=value pair, the label names with the most distinct values, plus the total.
 */
public record CardinalityStats(long totalSeries, List<Entry> seriesCountByMetricName,
        List<Entry> seriesCountByLabelName, List<Entry> seriesCountByLabelValuePair,
        List<Entry> labelValueCountByLabelName) {

    /** {@code name} is a metric name, a label name, or {@code label=value}. */
    public record Entry(String name, long count) {
    }
}
