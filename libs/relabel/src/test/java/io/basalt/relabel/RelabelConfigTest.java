package io.basalt.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

class RelabelConfigTest {

    @Test
    void fillsPrometheusDefaults() {
        RelabelConfig c = RelabelConfig.fromMap(yaml("{target_label: t}"));

        assertThat(c.action()).isEqualTo(RelabelAction.REPLACE);
        assertThat(c.separator()).isEqualTo(";");
        assertThat(c.regex()).isEqualTo("(.*)");
        assertThat(c.replacement()).isEqualTo("$1");
        assertThat(c.modulus()).isZero();
        assertThat(c.sourceLabels()).isNull();
    }

    @Test
    void anExplicitNullRegexIsTheEmptyExpression() {
        RelabelConfig c = RelabelConfig.fromMap(yaml("{regex: null, action: drop}"));

        assertThat(c.regex()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            {action: ''}                                               | action       | relabel action cannot be empty
            {action: frobnicate}                                       | action       | unknown relabel action "frobnicate"
            {target_label: t, colour: red}                             | colour       | field colour not found
            {action: hashmod, target_label: t}                         | modulus      | hashmod requires non-zero modulus
            {action: replace}                                          | target_label | replace action requires 'target_label' value
            {action: lowercase, source_labels: [a]}                    | target_label | lowercase action requires 'target_label' value
            {action: keepequal, source_labels: [a]}                    | target_label | keepequal action requires 'target_label' value
            {target_label: '1abc'}                                     | target_label | "1abc" is invalid 'target_label' for replace action
            {action: hashmod, modulus: 2, target_label: 'h_$1'}        | target_label | "h_$1" is invalid 'target_label' for hashmod action
            {action: uppercase, target_label: t, replacement: x}       | replacement  | 'replacement' can not be set for uppercase action
            {action: labelmap, replacement: 'a-b'}                     | replacement  | "a-b" is invalid 'replacement' for labelmap action
            {action: dropequal, target_label: t, regex: x}             |              | dropequal action requires only 'source_labels' and `target_label`
            {action: labeldrop, regex: x, source_labels: [a]}          |              | labeldrop action requires only 'regex', and no other fields
            {action: labelkeep, regex: x, target_label: t}             |              | labelkeep action requires only 'regex', and no other fields
            {source_labels: ['a-b'], target_label: t}                  | source_labels | "a-b" is not a valid label name
            {regex: '(unclosed', target_label: t}                      | regex        | invalid regex "(unclosed"
            {action: hashmod, modulus: -1, target_label: t}            | modulus      | modulus must be an unsigned integer
            """)
    void rejectsWhatPrometheusRejectsNamingTheField(String rule, String field, String message) {
        assertThatThrownBy(() -> RelabelConfig.fromMap(yaml(rule)))
                .isInstanceOf(InvalidRelabelConfigException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((InvalidRelabelConfigException) e).field())
                .isEqualTo(field);
    }

    @Test
    void acceptsTemplatedTargetsAndUppercaseActionNames() {
        RelabelConfig c = RelabelConfig.fromMap(yaml("{action: REPLACE, target_label: 'x_${1}_y', regex: '(a)'}"));

        assertThat(c.action()).isEqualTo(RelabelAction.REPLACE);
        assertThat(c.targetLabel()).isEqualTo("x_${1}_y");
    }

    private static Map<String, Object> yaml(String flowMapping) {
        return new Yaml().load(flowMapping);
    }
}
