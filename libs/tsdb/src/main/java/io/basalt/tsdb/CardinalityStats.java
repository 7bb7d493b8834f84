package io.basalt.tsdb;

import io.basalt.model.Labels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Series counts in the shape of VictoriaMetrics' {@code /api/v1/status/tsdb}: the top entries by metric name, by
 * label name and by label=value pair, the label names with the most distinct values, plus the total.
 */
public record CardinalityStats(long totalSeries, List<Entry> seriesCountByMetricName,
        List<Entry> seriesCountByLabelName, List<Entry> seriesCountByLabelValuePair,
        List<Entry> labelValueCountByLabelName) {

    /** Counts {@code series} (each label set once) and keeps the top {@code topN} of every list. */
    static CardinalityStats of(List<Labels> series, int topN) {
        Map<String, Long> byName = new HashMap<>();
        Map<String, Long> byLabel = new HashMap<>();
        Map<String, Long> byPair = new HashMap<>();
        for (Labels l : series) {
            byName.merge(l.metricName(), 1L, Long::sum);
            l.forEach((n, v) -> {
                byLabel.merge(n, 1L, Long::sum);
                byPair.merge(n + "=" + v, 1L, Long::sum);
            });
        }
        Map<String, Long> valuesPerLabel = new HashMap<>();
        for (String pair : byPair.keySet()) {
            valuesPerLabel.merge(pair.substring(0, pair.indexOf('=')), 1L, Long::sum);
        }
        return new CardinalityStats(series.size(), top(byName, topN), top(byLabel, topN), top(byPair, topN),
                top(valuesPerLabel, topN));
    }

    private static List<Entry> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(n).map(e -> new Entry(e.getKey(), e.getValue())).toList();
    }

    /** {@code name} is a metric name, a label name, or {@code label=value}. */
    public record Entry(String name, long count) {
    }
}
