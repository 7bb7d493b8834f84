package io.basalt.scrape.discovery;

import io.basalt.model.Labels;
import io.basalt.relabel.RelabelConfig;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.scrape.config.TargetGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The list of {@code {targets, labels}} groups that file_sd files and HTTP SD endpoints serve, in JSON or YAML (a
 * superset of JSON, so one parser reads both).
 */
final class TargetGroupDocument {

    private TargetGroupDocument() {
    }

    /**
     * @param origin    names the document in errors and, with the group's index, in each group's source
     * @param metaName  a label every group gets, naming where it came from ({@code __meta_filepath}, {@code __meta_url})
     * @throws InvalidAgentConfigException when the text is not such a list
     */
    static List<TargetGroup> parse(String text, String origin, String metaName, String metaValue) {
        Object root;
        try {
            root = new Yaml(new LoaderOptions()).load(text);
        }
        catch (YAMLException e) {
            throw new InvalidAgentConfigException(origin + ": " + e.getMessage(), e);
        }
        List<TargetGroup> out = new ArrayList<>();
        if (root == null) {
            return out;
        }
        if (!(root instanceof List<?> list)) {
            throw new InvalidAgentConfigException(origin + ": expected a list of target groups");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> g)) {
                throw new InvalidAgentConfigException(origin + ": group " + i + " is not a mapping");
            }
            for (Object key : g.keySet()) {
                if (!"targets".equals(key) && !"labels".equals(key)) {
                    throw new InvalidAgentConfigException(origin + ": field " + key + " not found in target group");
                }
            }
            List<String> targets = new ArrayList<>();
            if (g.get("targets") instanceof List<?> ts) {
                ts.forEach(t -> targets.add(String.valueOf(t)));
            }
            Labels.Builder b = Labels.builder();
            if (g.get("labels") instanceof Map<?, ?> labels) {
                labels.forEach((k, v) -> {
                    if (!RelabelConfig.isValidLabelName(String.valueOf(k))) {
                        throw new InvalidAgentConfigException(origin + ": \"" + k + "\" is not a valid label name");
                    }
                    b.add(String.valueOf(k), v == null ? "" : String.valueOf(v));
                });
            }
            b.set(metaName, metaValue);
            out.add(new TargetGroup(targets, b.build(), origin + ":" + i));
        }
        return out;
    }
}
