package io.basalt.promql.engine;

import io.basalt.model.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** histogram_quantile() over classic {@code le} buckets, as Prometheus 2.42's {@code bucketQuantile}. */
final class HistogramQuantile {

    private static final Pattern GO_DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private static final Pattern GO_HEX = Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)"
            + "[pP][+-]?\\d+");

    private HistogramQuantile() {
    }

    private record Bucket(double upper, double count) {
    }

    private static final class Group {
        final Labels outputLabels;
        final List<Bucket> buckets = new ArrayList<>();

        Group(Labels outputLabels) {
            this.outputLabels = outputLabels;
        }
    }

    static Value.Vector eval(double q, Value.Vector v, long t) {
        Map<Labels, Group> groups = new LinkedHashMap<>();
        for (Value.Element el : v.elements()) {
            double upper = parseGoFloat(el.labels().get("le"));
            if (Double.isNaN(upper) && !el.labels().get("le").equalsIgnoreCase("nan")) {
                continue;
            }
            Labels key = el.labels().without("le");
            Group g = groups.computeIfAbsent(key, k -> new Group(k.withoutMetricName()));
            g.buckets.add(new Bucket(upper, el.value()));
        }
        List<Value.Element> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            out.add(new Value.Element(g.outputLabels, quantile(q, g.buckets), t));
        }
        return new Value.Vector(out);
    }

    private static double quantile(double q, List<Bucket> input) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> sorted = new ArrayList<>(input);
        sorted.sort((a, b) -> Double.compare(a.upper(), b.upper()));
        if (sorted.isEmpty() || sorted.get(sorted.size() - 1).upper() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        List<Bucket> buckets = new ArrayList<>();
        for (Bucket b : sorted) {
            int last = buckets.size() - 1;
            if (last >= 0 && buckets.get(last).upper() == b.upper()) {
                buckets.set(last, new Bucket(b.upper(), buckets.get(last).count() + b.count()));
            }
            else {
                buckets.add(b);
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < buckets.size(); i++) {
            double c = buckets.get(i).count();
            if (c > max) {
                max = c;
            }
            else if (c < max) {
                buckets.set(i, new Bucket(buckets.get(i).upper(), max));
            }
        }
        if (buckets.size() < 2) {
            return Double.NaN;
        }
        double observations = buckets.get(buckets.size() - 1).count();
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        int searchable = buckets.size() - 1;
        while (b < searchable && !(buckets.get(b).count() >= rank)) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return buckets.get(buckets.size() - 2).upper();
        }
        if (b == 0 && buckets.get(0).upper() <= 0) {
            return buckets.get(0).upper();
        }
        double start = 0;
        double end = buckets.get(b).upper();
        double count = buckets.get(b).count();
        if (b > 0) {
            start = buckets.get(b - 1).upper();
            count -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        return start + (end - start) * (rank / count);
    }

    /** Go's {@code strconv.ParseFloat}: also {@code inf}, {@code +Inf}, {@code Infinity}; NaN when unparseable. */
    static double parseGoFloat(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (GO_DECIMAL.matcher(s).matches() || GO_HEX.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        return Double.NaN;
    }
}
