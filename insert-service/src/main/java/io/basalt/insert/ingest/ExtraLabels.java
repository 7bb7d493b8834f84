package io.basalt.insert.ingest;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.relabel.RelabelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Labels added to every series of one request from its {@code extra_label=name=value} query arguments, as
 * VictoriaMetrics' import APIs take them (vmctl's {@code --vm-extra-label}). They override a label of the same name in
 * the data.
 */
public record ExtraLabels(List<String> names, List<String> values) {

    public static final ExtraLabels NONE = new ExtraLabels(List.of(), List.of());

    /** @throws IllegalArgumentException for an argument that is not {@code name=value} with a valid name */
    public static ExtraLabels parse(List<String> args) {
        if (args == null || args.isEmpty()) {
            return NONE;
        }
        List<String> names = new ArrayList<>(args.size());
        List<String> values = new ArrayList<>(args.size());
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (eq < 0 || !RelabelConfig.isValidLabelName(name)) {
                throw new IllegalArgumentException("invalid extra_label '" + arg
                        + "': expected name=value with a label name matching [a-zA-Z_][a-zA-Z0-9_]*");
            }
            names.add(name);
            values.add(arg.substring(eq + 1));
        }
        return new ExtraLabels(List.copyOf(names), List.copyOf(values));
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public List<TimeSeries> apply(List<TimeSeries> series) {
        if (isEmpty()) {
            return series;
        }
        List<TimeSeries> out = new ArrayList<>(series.size());
        for (TimeSeries ts : series) {
            out.add(new TimeSeries(apply(ts.labels()), ts.timestamps(), ts.values()));
        }
        return out;
    }

    public Labels apply(Labels labels) {
        if (isEmpty()) {
            return labels;
        }
        Labels.Builder b = labels.toBuilder();
        for (int i = 0; i < names.size(); i++) {
            b.set(names.get(i), values.get(i));
        }
        return b.build();
    }
}
