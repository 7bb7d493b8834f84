package io.basalt.select.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeCardinalityTest {

    private static NodeCardinality node(String json) {
        return NodeCardinality.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void seriesCountsAddUpAndDistinctValueCountsKeepTheLargest() {
        NodeCardinality a = node("{\"totalSeries\":3,\"totalLabelValuePairs\":5,"
                + "\"seriesCountByMetricName\":[[\"up\",2],[\"load\",1]],"
                + "\"labelValueCountByLabelName\":[[\"instance\",2]]}");
        NodeCardinality b = node("{\"totalSeries\":2,\"totalLabelValuePairs\":4,"
                + "\"seriesCountByMetricName\":[[\"up\",2]],\"labelValueCountByLabelName\":[[\"instance\",3]]}");

        NodeCardinality merged = NodeCardinality.merge(List.of(a, b), 1);

        assertThat(merged.totalSeries()).isEqualTo(5);
        assertThat(merged.lists().get("seriesCountByMetricName")).containsEntry("up", 4L).containsEntry("load", 1L);
        // both nodes may hold the same values of a label, so they are not added
        assertThat(merged.lists().get("labelValueCountByLabelName")).containsEntry("instance", 3L);
    }

    @Test
    void withReplicationEachSeriesIsCountedOnce() {
        NodeCardinality a = node("{\"totalSeries\":4,\"seriesCountByMetricName\":[[\"up\",4]]}");
        NodeCardinality b = node("{\"totalSeries\":4,\"seriesCountByMetricName\":[[\"up\",4]]}");

        NodeCardinality merged = NodeCardinality.merge(List.of(a, b), 2);

        assertThat(merged.totalSeries()).isEqualTo(4);
        assertThat(merged.lists().get("seriesCountByMetricName")).containsEntry("up", 4L);
    }
}
