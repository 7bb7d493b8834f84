package io.basalt.relabel.fuzz;

import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import io.basalt.relabel.Relabeler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Relabel rules come from operators' YAML and run over labels that scrape targets choose. Loading a rule answers any
 * mapping with a rule or an {@link InvalidRelabelConfigException} (an invalid regex included), and running valid rules
 * (regex matching and template expansion) over any labels never throws, within a bounded time.
 */
@AddLifecycleHook(FuzzBudget.class)
class RelabelFuzzTest {

    private static final List<String> KEYS = List.of("source_labels", "separator", "regex", "modulus",
            "target_label", "replacement", "action");

    private static final List<String> ACTIONS = List.of("replace", "keep", "drop", "keepequal", "dropequal",
            "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase", "Replace", "LABELMAP", "",
            "unknown");

    /** Pieces of Go RE2 syntax, valid and not, so that random regexes reach past the first character. */
    private static final List<String> REGEX_TOKENS = List.of("a", "b", "_", "(", ")", "(?:", "(?P<name>",
            "(?P<", "(?<n>", "(?i)", "(?s)", "(?U)", "(?", "[", "]", "[^", "[[:alpha:]]", "[[:^digit:]]", "[:word:]",
            "[[:", ":]]", "[a-z]", "[z-a]", "-", "&&", "\\", "\\Q", "\\E", "\\d", "\\pL", "\\p{Greek}", "\\x{41}",
            "\\z", "\\A", "\\b", "\\1", "\\k<n>", ".", "*", "+", "?", "*?", "{2}", "{2,}", "{,3}", "{1000}", "{",
            "}", "|", "^", "$", "$1", "\u00e9", "\n");

    private static final List<String> TEMPLATE_TOKENS = List.of("$", "$1", "$0", "$01", "$99", "${1}", "${name}",
            "${", "}", "$$", "$name", "${1x}", "a", "_", "-", ".", "\u00e9");

    @Property(tries = 2000)
    void yamlMappingsLoadOrAreRefused(@ForAll("ruleMaps") Map<String, Object> rule) {
        RelabelConfig config = Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                e -> assertThat(e.getMessage()).isNotBlank(), () -> RelabelConfig.fromMap(rule));
        Statistics.collect(config == null ? "refused" : "loaded");
    }

    @Property(tries = 1000)
    void yamlTextOfRulesLoadsOrIsRefused(@ForAll("ruleYaml") String yaml) {
        @SuppressWarnings("unchecked")
        List<Map<String, ?>> rules = (List<Map<String, ?>>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(yaml);
        Refusals.decodeOrRefuse(InvalidRelabelConfigException.class, e -> assertThat(e.getMessage()).isNotBlank(),
                () -> Relabeler.of(RelabelConfig.fromMaps(rules)));
    }

    @Property(tries = 3000)
    void rulesWithAnyRegexLoadOrAreRefused(@ForAll("regexes") String regex,
            @ForAll("regexActions") String action) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("action", action);
        rule.put("regex", regex);
        if (action.equals("replace")) {
            rule.put("target_label", "a");
        }
        RelabelConfig config = Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                e -> assertThat(e.field()).isEqualTo("regex"), () -> RelabelConfig.fromMap(rule));
        Statistics.collect(config == null ? "refused" : "loaded");
    }

    @Property(tries = 2000)
    void validRulesRelabelAnyLabels(@ForAll("plausibleRules") List<Map<String, Object>> rules,
            @ForAll("labels") Labels labels) {
        Relabeler relabeler = Refusals.decodeOrRefuse(InvalidRelabelConfigException.class, e -> { },
                () -> Relabeler.of(RelabelConfig.fromMaps(rules)));
        Statistics.collect(relabeler == null ? "refused" : "relabeled");
        if (relabeler != null) {
            Refusals.decodeOrRefuse(NoException.class, e -> { }, () -> relabeler.process(labels));
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> ruleMaps() {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of(KEYS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
        Arbitrary<Object> value = Arbitraries.oneOf(Arbitraries.of(ACTIONS).map(Object.class::cast),
                regexes().map(Object.class::cast), templates().map(Object.class::cast),
                names().list().ofMaxSize(3).map(Object.class::cast),
                Arbitraries.of(0, 1, 7, -1, Long.MAX_VALUE, 1.5, "18446744073709551615", "18446744073709551616", true)
                        .map(Object.class::cast),
                Arbitraries.just(null), Arbitraries.just(Map.of("a", "b")));
        return Arbitraries.maps(key, value).ofMaxSize(5).map(LinkedHashMap::new);
    }

    /** Rules shaped for their action, so most load and the relabeling itself is what gets fuzzed. */
    @Provide
    Arbitrary<List<Map<String, Object>>> plausibleRules() {
        Arbitrary<String> targets = Arbitraries.oneOf(names(), Arbitraries.of("$1", "${1}", "b_$1", "${name}x",
                "$2", "__name__"));
        Arbitrary<String> replacements = Arbitraries.oneOf(templates(), Arbitraries.of("$1", "${1}_x", "a", ""));
        Arbitrary<Map<String, Object>> rule = Combinators.combine(Arbitraries.of(ACTIONS.subList(0, 11)),
                        names().list().ofMinSize(1).ofMaxSize(3), regexes(), targets, replacements,
                        Arbitraries.longs().between(1, 1000))
                .as((action, sources, regex, target, replacement, modulus) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("action", action);
                    switch (action) {
                        case "replace" -> {
                            m.put("source_labels", sources);
                            m.put("regex", regex);
                            m.put("target_label", target);
                            m.put("replacement", replacement);
                        }
                        case "keep", "drop" -> {
                            m.put("source_labels", sources);
                            m.put("regex", regex);
                        }
                        case "hashmod" -> {
                            m.put("source_labels", sources);
                            m.put("modulus", modulus);
                            m.put("target_label", "shard");
                        }
                        case "labelmap" -> {
                            m.put("regex", regex);
                            m.put("replacement", replacement);
                        }
                        case "labeldrop", "labelkeep" -> m.put("regex", regex);
                        default -> {
                            m.put("source_labels", sources);
                            m.put("target_label", target);
                        }
                    }
                    return m;
                });
        return rule.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> ruleYaml() {
        // YAML keys need not be strings: 1, true, ~ and [a] load as Integer, Boolean, null and List keys.
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.of("1", "true", "~", "[a]"));
        Arbitrary<String> entry = Combinators.combine(keys,
                        Arbitraries.of("replace", "labelmap", "hashmod", "keep", "[a, b]", "\"(.*)\"", "'$1'", "~",
                                "3", "-1", "''", "\"\\u00e9\"", "[]", "{}", "\"a;b\""))
                .as((k, v) -> k + ": " + v);
        return entry.list().ofMinSize(1).ofMaxSize(5).uniqueElements(e -> e.substring(0, e.indexOf(": ")))
                .map(e -> "- " + String.join("\n  ", e)).list().ofMaxSize(3)
                .map(rules -> rules.isEmpty() ? "[]" : String.join("\n", rules));
    }

    @Provide
    Arbitrary<String> regexActions() {
        return Arbitraries.of("replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep");
    }

    @Provide
    Arbitrary<String> regexes() {
        return Arbitraries.oneOf(Arbitraries.of(REGEX_TOKENS).list().ofMaxSize(10).map(t -> String.join("", t)),
                Arbitraries.strings().ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of(TEMPLATE_TOKENS).list().ofMaxSize(6).map(t -> String.join("", t));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars("ab_\n\u00e9").ofMaxLength(30));
    }

    @Provide
    Arbitrary<Labels> labels() {
        return Arbitraries.maps(names(), values()).ofMaxSize(5).map(map -> {
            Labels.Builder b = Labels.builder();
            map.forEach(b::add);
            return b.build();
        });
    }

    private static Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.of("__name__", "job", "instance", "a", "b", "__meta_x", "__tmp"),
                Arbitraries.strings().withChars("ab_1").ofMinLength(1).ofMaxLength(4));
    }

    /** For calls that have no documented refusal: any exception at all fails the try. */
    private static final class NoException extends RuntimeException {
    }
}
