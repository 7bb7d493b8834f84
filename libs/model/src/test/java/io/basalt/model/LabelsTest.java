package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void labelsAreSortedByNameWhateverTheInputOrder() {
        Labels labels = Labels.of("zone", "eu", "__name__", "up", "job", "api", "Instance", "a");

        assertThat(labels.asList()).extracting(Label::name).containsExactly("Instance", "__name__", "job", "zone");
        assertThat(labels.metricName()).isEqualTo("up");
        assertThat(labels.get("job")).isEqualTo("api");
        assertThat(labels.get("absent")).isEmpty();
        assertThat(labels.has("absent")).isFalse();
    }

    @Test
    void sameLabelsInAnyOrderAreEqualWithEqualHashes() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("job", "api");
        map.put("__name__", "up");
        Labels a = Labels.of("__name__", "up", "job", "api");
        Labels b = Labels.of("job", "api", "__name__", "up");
        Labels c = Labels.fromMap(map);

        assertThat(a).isEqualTo(b).isEqualTo(c).hasSameHashCodeAs(b).hasSameHashCodeAs(c);
        assertThat(a).isNotEqualTo(Labels.of("__name__", "up", "job", "web"));
        assertThat(a.compareTo(b)).isZero();
    }

    @Test
    void duplicateLabelNameIsRejectedNamingIt() {
        assertThatThrownBy(() -> Labels.of("job", "a", "job", "b"))
                .isInstanceOf(InvalidLabelsException.class).hasMessage("duplicate label name 'job'");
    }

    @Test
    void emptyLabelNameIsRejected() {
        assertThatThrownBy(() -> Labels.of("", "x")).isInstanceOf(InvalidLabelsException.class)
                .hasMessage("empty label name");
        assertThatThrownBy(() -> Labels.builder().set("", "x")).isInstanceOf(InvalidLabelsException.class);
    }

    @Test
    void emptyValueMeansTheLabelIsAbsent() {
        Labels labels = Labels.of("__name__", "up", "env", "");

        assertThat(labels).isEqualTo(Labels.of("__name__", "up"));
        assertThat(labels.has("env")).isFalse();
        assertThat(labels.toBuilder().set("job", "x").set("job", "").build()).isEqualTo(labels);
    }

    @Test
    void builderSetReplacesAndRemoveDeletes() {
        Labels base = Labels.of("__name__", "up", "job", "api");

        assertThat(base.toBuilder().set("job", "web").build()).isEqualTo(Labels.of("__name__", "up", "job", "web"));
        assertThat(base.toBuilder().remove("job").build()).isEqualTo(Labels.of("__name__", "up"));
        assertThat(base.without("job")).isEqualTo(Labels.of("__name__", "up"));
        assertThat(base.without("absent")).isSameAs(base);
        assertThat(base).as("immutable").isEqualTo(Labels.of("__name__", "up", "job", "api"));
    }

    @Test
    void builderGrowsPastItsInitialCapacity() {
        Labels.Builder b = Labels.builder();
        for (int i = 40; i > 0; i--) {
            b.add("l" + (char) ('A' + i), "v" + i);
        }

        Labels labels = b.build();

        assertThat(labels.size()).isEqualTo(40);
        assertThat(labels.name(0)).isEqualTo("lB");
        assertThat(labels.value(0)).isEqualTo("v1");
    }

    @Test
    void orderComparesNamesAndValuesPairwiseThenLength() {
        List<Labels> sorted = List.of(Labels.of("a", "1"), Labels.of("a", "1", "b", "1"), Labels.of("a", "2"),
                Labels.of("b", "0"));

        assertThat(sorted.stream().sorted().toList()).containsExactlyElementsOf(sorted);
        assertThat(Labels.EMPTY.compareTo(Labels.of("a", "1"))).isNegative();
    }

    @Test
    void toStringUsesPrometheusNotationWithEscapes() {
        Labels labels = Labels.of("__name__", "up", "path", "C:\\x \"q\"\nnext", "job", "node");

        assertThat(labels.toString()).isEqualTo("up{job=\"node\", path=\"C:\\\\x \\\"q\\\"\\nnext\"}");
        assertThat(Labels.of("job", "x").toString()).isEqualTo("{job=\"x\"}");
        assertThat(Labels.EMPTY.toString()).isEqualTo("{}");
    }

    @Test
    void oddNumberOfStringsIsAProgrammingError() {
        assertThatThrownBy(() -> Labels.of("job")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
    }
}
