package io.basalt.mockexporter.exposition;

import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionListener;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.metadata.MetricMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A page read back with libs/wire's parser, as a scraper would read it. */
public record ParsedPage(List<MetricMetadata> families, Map<Labels, Double> samples,
        Map<Labels, MetricMetadata> familyOf) {

    public static ParsedPage parse(String page, ExpositionFormat format) {
        return parse(page.getBytes(StandardCharsets.UTF_8), format);
    }

    public static ParsedPage parse(byte[] page, ExpositionFormat format) {
        List<MetricMetadata> families = new ArrayList<>();
        Map<Labels, Double> samples = new LinkedHashMap<>();
        Map<Labels, MetricMetadata> familyOf = new LinkedHashMap<>();
        new ExpositionParser(format).parse(page, new ExpositionListener() {
            @Override
            public void family(MetricMetadata family) {
                families.add(family);
            }

            @Override
            public void sample(MetricMetadata family, Labels labels, double value, long timestampMillis) {
                if (samples.put(labels, value) != null) {
                    throw new AssertionError("series served twice: " + labels);
                }
                familyOf.put(labels, family);
            }
        });
        return new ParsedPage(families, samples, familyOf);
    }

    public MetricMetadata family(String name) {
        return families.stream().filter(f -> f.family().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no family " + name + " in " + families));
    }

    /** Every series whose {@code __name__} is {@code name}. */
    public Map<Labels, Double> series(String name) {
        return samples.entrySet().stream().filter(e -> e.getKey().metricName().equals(name))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** The label names (without {@code __name__}) that samples named {@code name} carry, all of them alike. */
    public Set<String> labelNames(String name) {
        Set<Set<String>> shapes = series(name).keySet().stream().map(l -> {
            Set<String> names = new TreeSet<>();
            l.forEach((n, v) -> names.add(n));
            names.remove(Labels.METRIC_NAME);
            return names;
        }).collect(Collectors.toSet());
        if (shapes.size() != 1) {
            throw new AssertionError(name + " has label shapes " + shapes);
        }
        return shapes.iterator().next();
    }

    public double value(Labels labels) {
        Double v = samples.get(labels);
        if (v == null) {
            throw new AssertionError("no series " + labels);
        }
        return v;
    }
}
