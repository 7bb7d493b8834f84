package io.basalt.storage.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.tsdb.Storage;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cardinality of one node for {@code /api/v1/status/tsdb}, computed from {@link Storage#series}. Each list holds
 * the node's top entries; select sums counts over nodes, so a name just outside one node's top may be undercounted,
 * as in VictoriaMetrics' cluster.
 */
final class TsdbStatus {

    private TsdbStatus() {
    }

    /** JSON: totalSeries, totalLabelValuePairs and five {@code [[name, count], ...]} lists, largest first. */
    static byte[] compute(Storage storage, TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            int topN, QueryDeadline deadline) {
        Map<String, Long> byMetric = new HashMap<>();
        Map<String, Long> byLabel = new HashMap<>();
        Map<String, Long> byPair = new HashMap<>();
        Map<String, Set<String>> values = new HashMap<>();
        List<Labels> all = storage.series(tenant, matchers, minTime, maxTime);
        int seen = 0;
        for (Labels l : all) {
            if ((++seen & 1023) == 0) {
                deadline.check();
            }
            String metric = l.metricName();
            if (metric != null && !metric.isEmpty()) {
                byMetric.merge(metric, 1L, Long::sum);
            }
            for (int i = 0; i < l.size(); i++) {
                byLabel.merge(l.name(i), 1L, Long::sum);
                byPair.merge(l.name(i) + "=" + l.value(i), 1L, Long::sum);
                values.computeIfAbsent(l.name(i), k -> new HashSet<>()).add(l.value(i));
            }
        }
        Map<String, Long> valueCounts = new HashMap<>();
        Map<String, Long> valueBytes = new HashMap<>();
        values.forEach((name, vs) -> {
            valueCounts.put(name, (long) vs.size());
            valueBytes.put(name, vs.stream().mapToLong(v -> v.getBytes(StandardCharsets.UTF_8).length).sum());
        });
        StringBuilder json = new StringBuilder(1024);
        json.append("{\"totalSeries\":").append(all.size()).append(",\"totalLabelValuePairs\":").append(byPair.size());
        list(json, "seriesCountByMetricName", byMetric, topN);
        list(json, "seriesCountByLabelName", byLabel, topN);
        list(json, "seriesCountByLabelValuePair", byPair, topN);
        list(json, "labelValueCountByLabelName", valueCounts, topN);
        list(json, "memoryInBytesByLabelName", valueBytes, topN);
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void list(StringBuilder json, String field, Map<String, Long> counts, int topN) {
        json.append(",\"").append(field).append("\":[");
        List<Map.Entry<String, Long>> top = counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
            .limit(topN)
            .toList();
        for (int i = 0; i < top.size(); i++) {
            json.append(i > 0 ? "," : "").append('[');
            string(json, top.get(i).getKey());
            json.append(',').append(top.get(i).getValue()).append(']');
        }
        json.append(']');
    }

    private static void string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            }
            else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            }
            else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
