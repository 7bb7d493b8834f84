package io.basalt.scrape;

import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gives a scraped sample its final labels: the target's labels merged by the {@code honor_labels} rule, then
 * {@code metric_relabel_configs} (Prometheus' mutateSampleLabels followed by relabeling).
 */
public final class SampleLabeler {

    private static final String EXPORTED_PREFIX = "exported_";

    private final Labels targetLabels;

    private final boolean honorLabels;

    private final Relabeler metricRelabeler;

    public SampleLabeler(Labels targetLabels, boolean honorLabels, Relabeler metricRelabeler) {
        this.targetLabels = targetLabels;
        this.honorLabels = honorLabels;
        this.metricRelabeler = metricRelabeler;
    }

    /** The labels to store, or {@code null} when metric relabeling dropped the sample or left no label. */
    public Labels label(Labels exposed) {
        Labels merged = merge(exposed);
        Labels out = metricRelabeler.process(merged);
        return out == null || out.isEmpty() ? null : out;
    }

    /** The labels of {@code up} and the other series the agent writes about a scrape: no metric relabeling. */
    public Labels reportLabels(String metricName) {
        Labels.Builder b = targetLabels.toBuilder();
        b.set(Labels.METRIC_NAME, metricName);
        return b.build();
    }

    Labels merge(Labels exposed) {
        if (targetLabels.isEmpty()) {
            return exposed;
        }
        Labels.Builder b = exposed.toBuilder();
        if (honorLabels) {
            for (int i = 0; i < targetLabels.size(); i++) {
                if (!exposed.has(targetLabels.name(i))) {
                    b.add(targetLabels.name(i), targetLabels.value(i));
                }
            }
            return b.build();
        }
        List<String[]> conflicts = null;
        for (int i = 0; i < targetLabels.size(); i++) {
            String name = targetLabels.name(i);
            String existing = exposed.get(name);
            if (!existing.isEmpty()) {
                if (conflicts == null) {
                    conflicts = new ArrayList<>();
                }
                conflicts.add(new String[] { name, existing });
            }
            b.set(name, targetLabels.value(i));
        }
        if (conflicts != null) {
            conflicts.sort(Comparator.comparingInt(c -> c[0].length()));
            List<String> renamed = new ArrayList<>();
            for (String[] c : conflicts) {
                String name = c[0];
                while (true) {
                    name = EXPORTED_PREFIX + name;
                    if (!exposed.has(name) && !targetLabels.has(name) && !renamed.contains(name)) {
                        renamed.add(name);
                        b.set(name, c[1]);
                        break;
                    }
                }
            }
        }
        return b.build();
    }
}
