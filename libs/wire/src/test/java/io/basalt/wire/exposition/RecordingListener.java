package io.basalt.wire.exposition;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps everything a parse delivered, in order. */
final class RecordingListener implements ExpositionListener {

    record Sample(MetricMetadata family, Labels labels, double value, long timestamp) {
    }

    final List<MetricMetadata> families = new ArrayList<>();

    final List<Sample> samples = new ArrayList<>();

    @Override
    public void family(MetricMetadata family) {
        families.add(family);
    }

    @Override
    public void sample(MetricMetadata family, Labels labels, double value, long timestampMillis) {
        samples.add(new Sample(family, labels, value, timestampMillis));
    }

    Map<Labels, Double> values() {
        Map<Labels, Double> map = new LinkedHashMap<>();
        samples.forEach(s -> map.put(s.labels(), s.value()));
        return map;
    }

    Sample only(Labels labels) {
        return samples.stream().filter(s -> s.labels().equals(labels)).reduce((a, b) -> {
            throw new AssertionError("two samples for " + labels);
        }).orElseThrow(() -> new AssertionError("no sample for " + labels + " in " + values().keySet()));
    }

    MetricMetadata family(String name) {
        return families.stream().filter(f -> f.family().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name));
    }
}
