package io.basalt.scrape.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read with its positions kept, so that every refusal can say
 * {@code agent.yml:12: field colour not found in scrape_configs[0]}.
 */
final class YamlSection {

    private final String file;

    private final String path;

    private final Node node;

    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    YamlSection(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
        if (!(node instanceof MappingNode mapping)) {
            throw errorAt(node, path + " must be a mapping");
        }
        for (NodeTuple t : mapping.getValue()) {
            String key = scalar(t.getKeyNode(), path);
            if (entries.putIfAbsent(key, t) != null) {
                throw errorAt(t.getKeyNode(), "mapping key \"" + key + "\" already defined in " + path);
            }
        }
    }

    String path() {
        return path;
    }

    /** Refuses any key outside {@code known}, as Prometheus' strict unmarshalling does. */
    YamlSection allowOnly(Set<String> known) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw errorAt(e.getValue().getKeyNode(), "field " + e.getKey() + " not found in " + path);
            }
        }
        return this;
    }

    boolean has(String key) {
        Node v = value(key);
        return v != null && !isNull(v);
    }

    Node value(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    String string(String key, String fallback) {
        Node v = value(key);
        return v == null || isNull(v) ? fallback : scalar(v, child(key));
    }

    Duration duration(String key, Duration fallback) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        try {
            return PromDuration.parse(text);
        }
        catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    boolean bool(String key, boolean fallback) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        return switch (text) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw error(key, "cannot unmarshal \"" + text + "\" into a boolean");
        };
    }

    long integer(String key, long fallback) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            throw error(key, "cannot unmarshal \"" + text + "\" into an integer");
        }
    }

    YamlSection section(String key) {
        Node v = value(key);
        return v == null || isNull(v) ? null : new YamlSection(file, child(key), v);
    }

    List<YamlSection> sections(String key) {
        List<YamlSection> out = new ArrayList<>();
        List<Node> items = sequence(key);
        for (int i = 0; i < items.size(); i++) {
            out.add(new YamlSection(file, child(key) + "[" + i + "]", items.get(i)));
        }
        return out;
    }

    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Node n : sequence(key)) {
            out.add(scalar(n, child(key)));
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlSection s = section(key);
        if (s != null) {
            for (Map.Entry<String, NodeTuple> e : s.entries.entrySet()) {
                Node v = e.getValue().getValueNode();
                out.put(e.getKey(), isNull(v) ? "" : scalar(v, s.path + "." + e.getKey()));
            }
        }
        return out;
    }

    /** The mapping as plain Java values (maps, lists, strings, null), for libraries that take maps. */
    Map<String, Object> plain() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) plain(node);
        return m;
    }

    Set<String> keys() {
        return entries.keySet();
    }

    InvalidAgentConfigException error(String key, String message) {
        NodeTuple t = entries.get(key);
        return errorAt(t != null ? t.getKeyNode() : node, message);
    }

    InvalidAgentConfigException errorAt(Node at, String message) {
        return new InvalidAgentConfigException(file + ":" + (at.getStartMark().getLine() + 1) + ": " + message);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private List<Node> sequence(String key) {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return List.of();
        }
        if (!(v instanceof SequenceNode seq)) {
            throw error(key, child(key) + " must be a list");
        }
        return seq.getValue();
    }

    private String scalar(Node n, String where) {
        if (!(n instanceof ScalarNode s)) {
            throw errorAt(n, where + " must be a single value");
        }
        return s.getValue();
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static Object plain(Node n) {
        if (isNull(n)) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        if (n instanceof SequenceNode seq) {
            List<Object> list = new ArrayList<>();
            seq.getValue().forEach(item -> list.add(plain(item)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
            map.put(String.valueOf(plain(t.getKeyNode())), plain(t.getValueNode()));
        }
        return map;
    }
}
