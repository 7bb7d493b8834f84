package io.basalt.scrape.discovery;

import java.util.Map;

/** Building {@code __meta_*} labels from names that discovery sources allow but label names do not. */
final class MetaLabels {

    private MetaLabels() {
    }

    /** Prometheus' label-name sanitizing: every character outside [a-zA-Z0-9_] becomes an underscore. */
    static String sanitize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    /** {@code prefix + sanitize(key) = value} for each entry. */
    static void putAll(Map<String, String> labels, String prefix, Map<String, String> values) {
        values.forEach((k, v) -> labels.put(prefix + sanitize(k), v));
    }
}
