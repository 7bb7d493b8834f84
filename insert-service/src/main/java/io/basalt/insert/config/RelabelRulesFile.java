package io.basalt.insert.config;

import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import io.basalt.relabel.Relabeler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads {@code basalt.insert.relabel-config}: a YAML list of relabel rules, the same syntax as Prometheus'
 * {@code relabel_configs} and VictoriaMetrics' {@code -relabelConfig} file. A file that cannot be used stops the node
 * at start with the property and the reason, rather than storing data unrelabeled.
 */
final class RelabelRulesFile {

    static final String PROPERTY = "basalt.insert.relabel-config";

    private RelabelRulesFile() {
    }

    static Relabeler load(String location) {
        if (location == null || location.isBlank()) {
            return Relabeler.none();
        }
        Path path = Path.of(location);
        String text;
        try {
            text = Files.readString(path);
        }
        catch (IOException e) {
            throw invalid(location, "cannot read the file: " + e);
        }
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        }
        catch (RuntimeException e) {
            throw invalid(location, "not valid YAML: " + e.getMessage());
        }
        if (doc == null) {
            return Relabeler.none();
        }
        if (doc instanceof Map<?, ?> map && map.containsKey("relabel_configs")) {
            doc = map.get("relabel_configs");
        }
        if (!(doc instanceof List<?> list) || !list.stream().allMatch(Map.class::isInstance)) {
            throw invalid(location, "expected a YAML list of relabel rules (- action: ..., source_labels: [...])");
        }
        try {
            @SuppressWarnings("unchecked")
            List<Map<String, ?>> rules = (List<Map<String, ?>>) list;
            return Relabeler.of(RelabelConfig.fromMaps(rules));
        }
        catch (InvalidRelabelConfigException | IllegalArgumentException e) {
            throw invalid(location, e.getMessage());
        }
    }

    private static IllegalStateException invalid(String location, String reason) {
        return new IllegalStateException(PROPERTY + "=" + location + ": " + reason);
    }
}
