package io.basalt.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable label set sorted by name, the identity of a series. Names are unique and non-empty; values may be
 * empty (Prometheus treats an empty value as an absent label, so {@link Builder} drops them).
 */
public final class Labels implements Comparable<Labels> {

    public static final String METRIC_NAME = "__name__";

    public static final Labels EMPTY = new Labels(new String[0]);

    /** Alternating name, value, name, value, ... sorted by name. */
    private final String[] pairs;

    private int hash;

    /** {@link #withoutMetricName()}, kept because PromQL asks for it at every step of a range query. */
    private Labels nameless;

    /**
     * The last value computed from this label set with {@link #memo}, and what for. One immutable pair, so that
     * threads sharing this instance never see a key with another key's value.
     */
    private Memo memo;

    private record Memo(Object purpose, Object value) {
    }

    private Labels(String[] pairs) {
        this.pairs = pairs;
    }

    /** Builds from alternating names and values, in any order: {@code Labels.of("job", "api", "__name__", "up")}. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /**
     * Builds from parallel arrays of {@code count} names and values, as decoders collect them. Labels with an empty
     * value are absent. When the names arrive strictly increasing (senders sort them), the pairs are copied once
     * into an array of their exact size; otherwise this is {@link #builder()}'s sort and duplicate check.
     */
    public static Labels fromArrays(String[] names, String[] values, int count) {
        int kept = 0;
        boolean strictlyIncreasing = true;
        for (int i = 0; i < count; i++) {
            if (names[i] == null || names[i].isEmpty()) {
                throw new InvalidLabelsException("empty label name");
            }
            if (i > 0 && names[i - 1].compareTo(names[i]) >= 0) {
                strictlyIncreasing = false;
            }
            if (values[i] != null && !values[i].isEmpty()) {
                kept++;
            }
        }
        if (!strictlyIncreasing) {
            Builder b = new Builder(count);
            for (int i = 0; i < count; i++) {
                b.add(names[i], values[i]);
            }
            return b.build();
        }
        String[] pairs = new String[2 * kept];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (values[i] != null && !values[i].isEmpty()) {
                pairs[n++] = names[i];
                pairs[n++] = values[i];
            }
        }
        return new Labels(pairs);
    }

    public static Labels fromMap(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.add(pairs[i], pairs[i + 1]);
        }
        return b;
    }

    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int index) {
        return pairs[2 * index];
    }

    public String value(int index) {
        return pairs[2 * index + 1];
    }

    /** The value of {@code name}, or {@code ""} when absent (as PromQL matchers see it). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : pairs[2 * i + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** The {@code __name__} value, or {@code ""}. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    public List<Label> asList() {
        List<Label> list = new ArrayList<>(size());
        forEach((n, v) -> list.add(new Label(n, v)));
        return list;
    }

    public Labels without(String name) {
        int i = indexOf(name);
        if (i < 0) {
            return this;
        }
        String[] copy = new String[pairs.length - 2];
        System.arraycopy(pairs, 0, copy, 0, 2 * i);
        System.arraycopy(pairs, 2 * i + 2, copy, 2 * i, pairs.length - 2 * i - 2);
        return new Labels(copy);
    }

    /** These labels without {@code __name__}; the same instance on every call. */
    public Labels withoutMetricName() {
        Labels n = nameless;
        if (n == null) {
            n = without(METRIC_NAME);
            nameless = n;
        }
        return n;
    }

    /**
     * The label set {@code derive} makes from this one for {@code purpose} (compared by identity), remembered for
     * the last purpose asked. PromQL asks the same question of the same instance at every step of a range query,
     * for example an aggregation's group key; a field read beats a map lookup over thousands of series.
     */
    public Labels derived(Object purpose, java.util.function.UnaryOperator<Labels> derive) {
        return memo(purpose, derive);
    }

    /**
     * What {@code compute} makes of this label set for {@code purpose} (compared by identity), remembered for the
     * last purpose asked; {@link #derived} for values other than labels, such as a sender's encoding of them.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object purpose, java.util.function.Function<Labels, T> compute) {
        Memo m = memo;
        if (m != null && m.purpose() == purpose) {
            return (T) m.value();
        }
        T made = compute.apply(this);
        memo = new Memo(purpose, made);
        return made;
    }

    private int indexOf(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = pairs[2 * mid].compareTo(name);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            }
            else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && Arrays.equals(pairs, other.pairs));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(pairs);
            hash = h;
        }
        return h;
    }

    @Override
    public int compareTo(Labels o) {
        int n = Math.min(pairs.length, o.pairs.length);
        for (int i = 0; i < n; i++) {
            int c = pairs[i].compareTo(o.pairs[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pairs.length, o.pairs.length);
    }

    /** Prometheus notation: {@code up{instance="a:9100", job="node"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(metricName()).append('{');
        boolean first = true;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(METRIC_NAME)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(pairs[i]).append("=\"");
            appendEscaped(sb, pairs[i + 1]);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void appendEscaped(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /**
     * Collects labels in any order and sorts them once. A later {@link #set} overrides; {@link #add} of a name
     * already present is an error, because a series with a duplicated label name is invalid input.
     */
    public static final class Builder {

        private String[] pairs;

        private Builder(int expectedLabels) {
            pairs = new String[Math.max(2, 2 * expectedLabels)];
        }

        private Builder() {
            this(8);
        }

        private int size;

        /** Adds a label; an empty value means "absent" and is skipped. */
        public Builder add(String name, String value) {
            if (name == null || name.isEmpty()) {
                throw new InvalidLabelsException("empty label name");
            }
            if (value == null || value.isEmpty()) {
                return this;
            }
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    throw new InvalidLabelsException("duplicate label name '" + name + "'");
                }
            }
            append(name, value);
            return this;
        }

        /** Sets or replaces a label; an empty value removes it. */
        public Builder set(String name, String value) {
            if (name == null || name.isEmpty()) {
                throw new InvalidLabelsException("empty label name");
            }
            remove(name);
            if (value != null && !value.isEmpty()) {
                append(name, value);
            }
            return this;
        }

        public Builder remove(String name) {
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    System.arraycopy(pairs, i + 2, pairs, i, size - i - 2);
                    size -= 2;
                    return this;
                }
            }
            return this;
        }

        public String get(String name) {
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    return pairs[i + 1];
                }
            }
            return "";
        }

        private void append(String name, String value) {
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, size * 2);
            }
            pairs[size++] = name;
            pairs[size++] = value;
        }

        public Labels build() {
            int n = size / 2;
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = pairs[2 * i - 2].compareTo(pairs[2 * i]) <= 0;
            }
            String[] out = new String[size];
            if (sorted) {
                // the common case (senders sort their labels): no index array to box and sort
                System.arraycopy(pairs, 0, out, 0, size);
            }
            else {
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> pairs[2 * a].compareTo(pairs[2 * b]));
                for (int i = 0; i < n; i++) {
                    out[2 * i] = pairs[2 * order[i]];
                    out[2 * i + 1] = pairs[2 * order[i] + 1];
                }
            }
            return new Labels(out);
        }
    }
}
