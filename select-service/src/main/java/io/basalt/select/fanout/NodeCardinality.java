package io.basalt.select.fanout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One storage node's answer to {@code /internal/status/tsdb}: totals and top lists as {@code name -> count}.
 * Merged over nodes, counts of series add up (each node holds different series, or RF copies of each), while the
 * number of distinct values of a label is at least the largest node's, so the maximum is kept.
 */
public record NodeCardinality(long totalSeries, long totalLabelValuePairs, Map<String, Map<String, Long>> lists) {

    /** Lists whose counts are series counts, summed over nodes. */
    public static final List<String> SERIES_COUNTS = List.of("seriesCountByMetricName", "seriesCountByLabelName",
            "seriesCountByLabelValuePair");

    /** Lists of per-label-name figures about distinct values: the largest node's value is kept. */
    public static final List<String> VALUE_COUNTS = List.of("labelValueCountByLabelName", "memoryInBytesByLabelName");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static NodeCardinality parse(byte[] body) {
        JsonNode root = JSON.readTree(body);
        Map<String, Map<String, Long>> lists = new LinkedHashMap<>();
        for (String field : SERIES_COUNTS) {
            lists.put(field, entries(root.path(field)));
        }
        for (String field : VALUE_COUNTS) {
            lists.put(field, entries(root.path(field)));
        }
        return new NodeCardinality(root.path("totalSeries").asLong(), root.path("totalLabelValuePairs").asLong(),
                lists);
    }

    /**
     * @param replicationFactor every series is stored this many times, so summed series counts are divided by it
     */
    static NodeCardinality merge(List<NodeCardinality> nodes, int replicationFactor) {
        Map<String, Map<String, Long>> lists = new LinkedHashMap<>();
        long total = 0;
        long pairs = 0;
        for (NodeCardinality n : nodes) {
            total += n.totalSeries();
            pairs = Math.max(pairs, n.totalLabelValuePairs());
            n.lists().forEach((field, entries) -> {
                Map<String, Long> into = lists.computeIfAbsent(field, k -> new LinkedHashMap<>());
                boolean sum = SERIES_COUNTS.contains(field);
                entries.forEach((name, count) -> into.merge(name, count, sum ? Long::sum : Math::max));
            });
        }
        if (replicationFactor > 1) {
            for (String field : SERIES_COUNTS) {
                lists.getOrDefault(field, Map.of()).replaceAll((k, v) -> ceilDiv(v, replicationFactor));
            }
            total = ceilDiv(total, replicationFactor);
        }
        return new NodeCardinality(total, pairs, lists);
    }

    private static long ceilDiv(long v, int by) {
        return (v + by - 1) / by;
    }

    private static Map<String, Long> entries(JsonNode list) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode e : list) {
            out.put(e.get(0).asString(), e.get(1).asLong());
        }
        return out;
    }
}
