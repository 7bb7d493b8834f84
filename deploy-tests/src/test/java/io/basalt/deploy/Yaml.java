package io.basalt.deploy;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/** Loose, map-shaped access to YAML documents (compose, Prometheus and Grafana files). */
final class Yaml {

    private Yaml() {
    }

    static Map<String, Object> load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // the compose file leans on anchors for its shared settings
        options.setMaxAliasesForCollections(500);
        return new org.yaml.snakeyaml.Yaml(options).load(text);
    }

    static Map<String, Object> file(String relative) {
        return load(Repository.read(relative));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String key) {
        Object value = ((Map<String, Object>) node).get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String key) {
        Object value = ((Map<String, Object>) node).get(key);
        return value == null ? List.of() : (List<Object>) value;
    }
}
