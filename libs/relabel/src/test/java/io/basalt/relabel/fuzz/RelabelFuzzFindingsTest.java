package io.basalt.relabel.fuzz;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Minimal reproductions of what fuzzing found, kept as regression tests once fixed. */
class RelabelFuzzFindingsTest {

    /**
     * Found by {@code RelabelFuzzTest.yamlTextOfRulesLoadsOrIsRefused}: SnakeYAML loads the key of {@code - 1: replace}
     * as an Integer, and {@code RelabelConfig.fromMap} iterates the keys as Strings (RelabelConfig.java:65), so the
     * loader fails with a ClassCastException instead of naming the unknown field. insert-service's RelabelRulesFile
     * catches only InvalidRelabelConfigException and IllegalArgumentException, so startup fails with a raw stack trace.
     */
    @Test
    void nonStringYamlKeyIsRefusedAsAnUnknownField() {
        @SuppressWarnings("unchecked")
        List<Map<String, ?>> rules = (List<Map<String, ?>>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load("- 1: replace");

        assertThatThrownBy(() -> RelabelConfig.fromMaps(rules)).isInstanceOf(InvalidRelabelConfigException.class);
    }
}
