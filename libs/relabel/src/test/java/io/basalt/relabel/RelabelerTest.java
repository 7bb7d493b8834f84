package io.basalt.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * One row per documented Prometheus behaviour. Rows marked "observed" were checked against Prometheus 2.42.0
 * (/usr/bin/prometheus): the same rules in a scrape config, the result read from {@code /api/v1/targets}.
 */
class RelabelerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("replace with every default copies the source value",
                        Labels.of("a", "x"), "{source_labels: [a], target_label: b}",
                        Labels.of("a", "x", "b", "x")),
                row("replace joins sources with ';' and missing ones as empty",
                        Labels.of("a", "x", "c", "z"), "{source_labels: [a, b, c], target_label: d}",
                        Labels.of("a", "x", "c", "z", "d", "x;;z")),
                row("replace uses a custom separator",
                        Labels.of("a", "x", "b", "y"), "{source_labels: [a, b], separator: '-', target_label: d}",
                        Labels.of("a", "x", "b", "y", "d", "x-y")),
                row("replace regex is anchored: a partial match changes nothing",
                        Labels.of("a", "foobar"), "{source_labels: [a], regex: 'foo', target_label: b}",
                        Labels.of("a", "foobar")),
                row("replace to an empty result deletes the target",
                        Labels.of("a", "x", "b", "old"), "{source_labels: [c], target_label: b}",
                        Labels.of("a", "x")),
                row("observed: Go template expansion ($1x is group '1x', $01 a name, $$ a dollar, $- literal)",
                        Labels.of("x", "a"),
                        "{source_labels: [x], regex: '(a)(b)?(c)?', target_label: r1,"
                                + " replacement: '$1x|${1}x|$01|$$|$-|${2}|$3'}",
                        Labels.of("x", "a", "r1", "|ax||$|$-||")),
                row("observed: named groups with underscores expand in target and replacement",
                        Labels.of("x", "abc"),
                        "{source_labels: [x], regex: '(?P<first_part>a)(.*)', target_label: 'n_${first_part}',"
                                + " replacement: '${first_part}-$2'}",
                        Labels.of("x", "abc", "n_a", "a-bc")),
                row("replace whose expanded target is not a label name leaves labels alone",
                        Labels.of("a", "1x"), "{source_labels: [a], regex: '(.*)', target_label: '$1'}",
                        Labels.of("a", "1x")),
                row("keep without a match drops", Labels.of("a", "x"), "{source_labels: [a], regex: y, action: keep}",
                        null),
                row("keep with a match keeps", Labels.of("a", "x"), "{source_labels: [a], regex: x, action: keep}",
                        Labels.of("a", "x")),
                row("keep without source labels matches the empty string with the default regex",
                        Labels.of("a", "x"), "{action: keep}", Labels.of("a", "x")),
                row("drop with a match drops", Labels.of("a", "x"), "{source_labels: [a], regex: 'x|z', action: drop}",
                        null),
                row("drop on an absent label matches an empty-matching regex",
                        Labels.of("a", "x"), "{source_labels: [b], regex: '', action: drop}", null),
                row("dot does not match a newline, as in Go",
                        Labels.of("a", "x\ny"), "{source_labels: [a], regex: 'x.y', action: drop}",
                        Labels.of("a", "x\ny")),
                row("keepequal keeps when the target equals the joined sources",
                        Labels.of("a", "x", "b", "x"), "{source_labels: [a], target_label: b, action: keepequal}",
                        Labels.of("a", "x", "b", "x")),
                row("keepequal drops when they differ",
                        Labels.of("a", "x", "b", "y"), "{source_labels: [a], target_label: b, action: keepequal}",
                        null),
                row("dropequal compares an absent target as empty",
                        Labels.of("a", "x"), "{source_labels: [c], target_label: b, action: dropequal}", null),
                row("observed: hashmod of 'foo' mod 1000",
                        Labels.of("src", "foo"), "{source_labels: [src], modulus: 1000, target_label: h, action: hashmod}",
                        Labels.of("src", "foo", "h", "696")),
                row("observed: hashmod of joined 'a;b' mod 16",
                        Labels.of("x", "a", "y", "b"), "{source_labels: [x, y], modulus: 16, target_label: h, action: hashmod}",
                        Labels.of("x", "a", "y", "b", "h", "10")),
                row("observed: hashmod of an address mod 3",
                        Labels.of("__address__", "127.0.0.1:2"),
                        "{source_labels: [__address__], modulus: 3, target_label: h, action: hashmod}",
                        Labels.of("__address__", "127.0.0.1:2", "h", "1")),
                row("observed: hashmod of the empty string mod 1000",
                        Labels.of("a", "x"), "{source_labels: [src], modulus: 1000, target_label: h, action: hashmod}",
                        Labels.of("a", "x", "h", "958")),
                row("observed: hashmod of non-ASCII joined values",
                        Labels.of("x", "abc", "y", "ÄÖİ"),
                        "{source_labels: [x, y], modulus: 16, target_label: h, action: hashmod}",
                        Labels.of("x", "abc", "y", "ÄÖİ", "h", "0")),
                row("observed: labelmap copies matching names, keeping the originals",
                        Labels.of("x", "a", "y", "b", "z", "c"), "{regex: '(x|y)', replacement: 'copy_$1', action: labelmap}",
                        Labels.of("x", "a", "y", "b", "z", "c", "copy_x", "a", "copy_y", "b")),
                row("labelmap with the default replacement maps __meta_ names",
                        Labels.of("__meta_kubernetes_pod_label_app", "api", "job", "j"),
                        "{regex: '__meta_kubernetes_pod_label_(.+)', action: labelmap}",
                        Labels.of("__meta_kubernetes_pod_label_app", "api", "job", "j", "app", "api")),
                row("labelmap: a later name overwrites an earlier mapping",
                        Labels.of("a_x", "1", "b_x", "2"), "{regex: '[ab]_(x)', action: labelmap}",
                        Labels.of("a_x", "1", "b_x", "2", "x", "2")),
                row("labeldrop deletes matching names",
                        Labels.of("__name__", "m", "tmp_a", "1", "tmp_b", "2", "keep", "3"),
                        "{regex: 'tmp_.*', action: labeldrop}", Labels.of("__name__", "m", "keep", "3")),
                row("labelkeep deletes the others, including __name__ unless listed",
                        Labels.of("__name__", "m", "a", "1", "b", "2"), "{regex: 'a|b', action: labelkeep}",
                        Labels.of("a", "1", "b", "2")),
                row("observed: lowercase maps per code point (dotted capital I becomes plain i)",
                        Labels.of("y", "ÄÖİ"), "{source_labels: [y], target_label: low, action: lowercase}",
                        Labels.of("y", "ÄÖİ", "low", "äöi")),
                row("observed: uppercase", Labels.of("y", "b"),
                        "{source_labels: [y], target_label: up, action: uppercase}", Labels.of("y", "b", "up", "B")),
                row("action names are case-insensitive", Labels.of("a", "x"),
                        "{source_labels: [a], target_label: A, action: UpperCase}", Labels.of("a", "x", "A", "X")),
                row("POSIX classes work inside brackets", Labels.of("a", "ab1"),
                        "{source_labels: [a], regex: '([[:alpha:]]+)[[:digit:]]', target_label: b}",
                        Labels.of("a", "ab1", "b", "ab")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void actsAsPrometheusDocuments(String description, Labels input, String rule, Labels expected) {
        Relabeler relabeler = Relabeler.of(List.of(RelabelConfig.fromMap(yaml(rule))));

        assertThat(relabeler.process(input)).isEqualTo(expected);
    }

    @Test
    void rulesRunInOrderAndTheFirstDropStops() {
        Relabeler relabeler = Relabeler.of(RelabelConfig.fromMaps(List.of(
                yaml("{source_labels: [a], regex: '.+', target_label: b, replacement: 'seen'}"),
                yaml("{source_labels: [b], regex: seen, action: drop}"),
                yaml("{target_label: c, replacement: never}"))));

        assertThat(relabeler.process(Labels.of("a", "x"))).isNull();
        assertThat(relabeler.process(Labels.of("z", "x"))).isEqualTo(Labels.of("z", "x", "c", "never"));
    }

    @Test
    void eachRuleSeesTheResultOfThePreviousOne() {
        Relabeler relabeler = Relabeler.of(RelabelConfig.fromMaps(List.of(
                yaml("{source_labels: [a], target_label: b}"),
                yaml("{source_labels: [b], regex: '(.)', target_label: c, replacement: '${1}!'}"))));

        assertThat(relabeler.process(Labels.of("a", "x"))).isEqualTo(Labels.of("a", "x", "b", "x", "c", "x!"));
    }

    @Test
    void noRulesReturnTheSameInstance() {
        Labels in = Labels.of("a", "x");

        assertThat(Relabeler.of(List.of()).process(in)).isSameAs(in);
    }

    private static Map<String, Object> yaml(String flowMapping) {
        return new Yaml().load(flowMapping);
    }

    private static Arguments row(String description, Labels input, String rule, Labels expected) {
        return Arguments.of(description, input, rule, expected);
    }
}
