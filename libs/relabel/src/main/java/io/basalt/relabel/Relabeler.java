package io.basalt.relabel;

import io.basalt.model.Labels;
import io.basalt.model.regex.GoRegex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a list of relabel rules in order, as Prometheus 2.42's {@code relabel.Process} does. Instances are
 * immutable and safe to share between threads.
 */
public final class Relabeler {

    private static final Relabeler NONE = new Relabeler(List.of());

    private final List<Rule> rules;

    private Relabeler(List<Rule> rules) {
        this.rules = rules;
    }

    /** Compiles the rules; they were validated when each {@link RelabelConfig} was built. */
    public static Relabeler of(List<RelabelConfig> configs) {
        if (configs.isEmpty()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>(configs.size());
        for (RelabelConfig c : configs) {
            rules.add(new Rule(c));
        }
        return new Relabeler(List.copyOf(rules));
    }

    /** Leaves every label set as it is. */
    public static Relabeler none() {
        return NONE;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public List<RelabelConfig> configs() {
        return rules.stream().map(r -> r.config).toList();
    }

    /**
     * Runs every rule over {@code labels}.
     *
     * @return the relabeled set, possibly empty; or {@code null} when a {@code keep}, {@code drop},
     *         {@code keepequal} or {@code dropequal} rule dropped it
     */
    public Labels process(Labels labels) {
        if (rules.isEmpty()) {
            return labels;
        }
        TreeMap<String, String> working = new TreeMap<>();
        labels.forEach(working::put);
        for (Rule rule : rules) {
            if (!rule.apply(working)) {
                return null;
            }
        }
        Labels.Builder out = Labels.builder();
        working.forEach(out::add);
        return out.build();
    }

    private static final class Rule {

        private final RelabelConfig config;

        private final GoRegex regex;

        private final String[] sources;

        Rule(RelabelConfig config) {
            this.config = config;
            this.regex = GoRegex.compile(config.regex());
            this.sources = config.sourceLabels() == null ? new String[0] : config.sourceLabels().toArray(new String[0]);
        }

        /** Returns false when the series is dropped. */
        boolean apply(TreeMap<String, String> labels) {
            String val = joinedSources(labels);
            switch (config.action()) {
                case DROP -> {
                    return !regex.matches(val);
                }
                case KEEP -> {
                    return regex.matches(val);
                }
                case DROPEQUAL -> {
                    return !labels.getOrDefault(config.targetLabel(), "").equals(val);
                }
                case KEEPEQUAL -> {
                    return labels.getOrDefault(config.targetLabel(), "").equals(val);
                }
                case REPLACE -> replace(labels, val);
                case LOWERCASE -> set(labels, config.targetLabel(), mapCodePoints(val, true));
                case UPPERCASE -> set(labels, config.targetLabel(), mapCodePoints(val, false));
                case HASHMOD -> set(labels, config.targetLabel(), Long.toUnsignedString(
                        Long.remainderUnsigned(md5Tail(val), config.modulus())));
                case LABELMAP -> {
                    for (Map.Entry<String, String> e : new ArrayList<>(labels.entrySet())) {
                        GoRegex.Match m = regex.match(e.getKey());
                        if (m != null) {
                            String name = regex.expand(config.replacement(), m);
                            if (!name.isEmpty()) {
                                set(labels, name, e.getValue());
                            }
                        }
                    }
                }
                case LABELDROP -> labels.keySet().removeIf(regex::matches);
                case LABELKEEP -> labels.keySet().removeIf(name -> !regex.matches(name));
                default -> throw new IllegalStateException("unhandled action " + config.action());
            }
            return true;
        }

        private void replace(TreeMap<String, String> labels, String val) {
            GoRegex.Match m = regex.match(val);
            if (m == null) {
                return;
            }
            String target = regex.expand(config.targetLabel(), m);
            if (!RelabelConfig.isValidLabelName(target)) {
                // Prometheus deletes the unexpanded name here, which is a no-op unless it was literal.
                labels.remove(config.targetLabel());
                return;
            }
            set(labels, target, regex.expand(config.replacement(), m));
        }

        private String joinedSources(TreeMap<String, String> labels) {
            if (sources.length == 0) {
                return "";
            }
            if (sources.length == 1) {
                return labels.getOrDefault(sources[0], "");
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < sources.length; i++) {
                if (i > 0) {
                    sb.append(config.separator());
                }
                sb.append(labels.getOrDefault(sources[i], ""));
            }
            return sb.toString();
        }

        private static void set(TreeMap<String, String> labels, String name, String value) {
            if (value.isEmpty()) {
                labels.remove(name);
            }
            else {
                labels.put(name, value);
            }
        }
    }

    /** Go's {@code strings.ToLower/ToUpper}: a per-code-point mapping, independent of the default locale. */
    static String mapCodePoints(String s, boolean lower) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(lower ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
        return sb.toString();
    }

    /** The last 8 bytes of the MD5 of {@code s}, read big-endian: the number Prometheus' hashmod reduces. */
    static long md5Tail(String s) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JRE", e);
        }
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (digest[i] & 0xFF);
        }
        return v;
    }
}
