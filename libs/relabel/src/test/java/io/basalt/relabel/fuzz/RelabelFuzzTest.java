package io.basalt.relabel.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;

import io.basalt.model.Labels;
import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import io.basalt.relabel.Relabeler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Relabel rules come from operators' YAML and run over labels that scrape targets choose. Loading a rule answers any
 * mapping with a rule or an {@link InvalidRelabelConfigException} (an invalid regex included), and running valid rules
 * (regex matching and template expansion) over any labels never throws, within a bounded time.
 *
 * <p>The Jazzer targets replay their corpus in {@code src/test/resources/io/basalt/relabel/fuzz/RelabelFuzzTestInputs/}
 * in every build ({@link #rulesYaml}: real rule files, every action, finding #1's non-string keys; {@link #regex}:
 * RE2 syntax, valid and not) and are fuzzed with {@code -Pfuzz}. The seeded {@code @Test}s build new rules in every
 * build.
 */
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

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    /** A rule file's text, loaded as {@code RelabelRulesFile} loads it; text that is not a list of maps is skipped. */
    @FuzzTest(maxDuration = "5m")
    void rulesYaml(byte[] input) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(input, StandardCharsets.UTF_8));
        }
        catch (YAMLException notYaml) {
            return;
        }
        if (!(doc instanceof List<?> list) || !list.stream().allMatch(Map.class::isInstance)) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, ?>> rules = (List<Map<String, ?>>) doc;
        Relabeler relabeler = Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                e -> assertThat(e.getMessage()).isNotBlank(), () -> Relabeler.of(RelabelConfig.fromMaps(rules)));
        if (relabeler != null) {
            Refusals.decodeOrRefuse(NoException.class, e -> { }, () -> relabeler.process(Labels.of("__name__", "up",
                    "job", "node", "instance", "a:9100", "__meta_x", "\u00e9")));
        }
    }

    /** Any regex (the first byte picks the action), then the rule over a few label sets. */
    @FuzzTest(maxDuration = "5m")
    void regex(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String action = REGEX_ACTIONS.get((input[0] & 0xFF) % REGEX_ACTIONS.size());
        String regex = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        RelabelConfig config = loadWithRegex(action, regex);
        if (config != null) {
            Relabeler relabeler = Relabeler.of(List.of(config));
            for (Labels labels : List.of(Labels.of("__name__", "up"), Labels.of("a", "v" + regex, "b", "x"),
                    Labels.of("__name__", "node_cpu", "a", "\u00e9\n", "job", "j"))) {
                Refusals.decodeOrRefuse(NoException.class, e -> { }, () -> relabeler.process(labels));
            }
        }
    }

    /** Structure-aware: the fuzzer builds rule maps, plausible rules and label sets. */
    @FuzzTest(maxDuration = "5m")
    void builtRules(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        if (g.bool()) {
            loadRuleMap(ruleMap(g));
        }
        else {
            relabel(plausibleRules(g), labels(g));
        }
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void yamlMappingsLoadOrAreRefused() {
        int[] loaded = new int[1];
        Seeded.forAll(2000, g -> loaded[0] += loadRuleMap(ruleMap(g)) != null ? 1 : 0);
        assertThat(loaded[0]).as("rule maps loaded").isPositive();
    }

    @Test
    void yamlTextOfRulesLoadsOrIsRefused() {
        Seeded.forAll(1000, g -> {
            @SuppressWarnings("unchecked")
            List<Map<String, ?>> rules = (List<Map<String, ?>>) new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(ruleYaml(g));
            Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                    e -> assertThat(e.getMessage()).isNotBlank(), () -> Relabeler.of(RelabelConfig.fromMaps(rules)));
        });
    }

    @Test
    void rulesWithAnyRegexLoadOrAreRefused() {
        int[] loaded = new int[1];
        Seeded.forAll(3000, g -> loaded[0] += loadWithRegex(g.pick(REGEX_ACTIONS), regex(g)) != null ? 1 : 0);
        assertThat(loaded[0]).as("rules with a random regex that loaded").isGreaterThan(3000 / 20);
    }

    @Test
    void validRulesRelabelAnyLabels() {
        int[] relabeled = new int[1];
        Seeded.forAll(2000, g -> relabeled[0] += relabel(plausibleRules(g), labels(g)) ? 1 : 0);
        assertThat(relabeled[0]).as("rule lists that loaded and ran").isGreaterThan(2000 / 10);
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> yaml = new LinkedHashMap<>();
        yaml.put("finding-1-integer-key", "- 1: replace\n".getBytes(StandardCharsets.UTF_8));
        yaml.put("finding-1-boolean-key", "- true: replace\n".getBytes(StandardCharsets.UTF_8));
        yaml.put("finding-1-null-key", "- ~: replace\n".getBytes(StandardCharsets.UTF_8));
        yaml.put("finding-1-list-key", "- [a]: replace\n".getBytes(StandardCharsets.UTF_8));
        yaml.put("every-action", String.join("\n",
                "- source_labels: [__name__, job]", "  separator: ;", "  regex: '(.*);(.*)'",
                "  target_label: both", "  replacement: '$1_${2}'", "  action: replace",
                "- {source_labels: [job], regex: 'n.*', action: keep}",
                "- {source_labels: [job], regex: 'x', action: drop}",
                "- {source_labels: [a, b], target_label: c, action: keepequal}",
                "- {source_labels: [a], target_label: b, action: dropequal}",
                "- {source_labels: [instance], modulus: 8, target_label: shard, action: hashmod}",
                "- {regex: '__meta_(.+)', replacement: 'm_$1', action: labelmap}",
                "- {regex: '__tmp.*', action: labeldrop}",
                "- {regex: '__name__|job|instance|m_.*|shard|both', action: labelkeep}",
                "- {source_labels: [job], target_label: job_lc, action: lowercase}",
                "- {source_labels: [job], target_label: job_uc, action: uppercase}", "")
                .getBytes(StandardCharsets.UTF_8));
        yaml.put("empty-list", "[]".getBytes(StandardCharsets.UTF_8));
        yaml.put("unknown-field", "- {action: replace, target_label: a, modulos: 3}\n"
                .getBytes(StandardCharsets.UTF_8));
        yaml.put("modulus-overflow", "- {action: hashmod, source_labels: [a], target_label: b, modulus: 18446744073709551616}\n"
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 12; i++) {
            yaml.put("generated-" + i, ruleYaml(Gen.seeded(i)).getBytes(StandardCharsets.UTF_8));
        }
        Corpus.write(getClass(), "rulesYaml", yaml);

        Map<String, byte[]> regexes = new LinkedHashMap<>();
        String[] samples = {"(.*)", "(?P<name>a+)b", "[[:alpha:]]+", "\\pL{2,}", "(?i)UP|down", "a{1000}",
            "((a{10}){10}){10}", "(?P<", "[z-a]", "\\k<n>", "x{2,}?", "\\Q.*\\E", "(a|b)*c"};
        for (int i = 0; i < samples.length; i++) {
            for (int a = 0; a < REGEX_ACTIONS.size(); a += 2) {
                regexes.put("regex-" + i + "-" + REGEX_ACTIONS.get(a),
                        ByteMutations.concat(new byte[] {(byte) a}, samples[i].getBytes(StandardCharsets.UTF_8)));
            }
        }
        Corpus.write(getClass(), "regex", regexes);
        Corpus.write(getClass(), "builtRules", Corpus.randomChoices(24, 256));
    }

    // --- shared -------------------------------------------------------------------------------------------------

    private static final List<String> REGEX_ACTIONS = List.of("replace", "keep", "drop", "labelmap", "labeldrop",
            "labelkeep");

    private static RelabelConfig loadRuleMap(Map<String, Object> rule) {
        return Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                e -> assertThat(e.getMessage()).isNotBlank(), () -> RelabelConfig.fromMap(rule));
    }

    private static RelabelConfig loadWithRegex(String action, String regex) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("action", action);
        rule.put("regex", regex);
        if (action.equals("replace")) {
            rule.put("target_label", "a");
        }
        return Refusals.decodeOrRefuse(InvalidRelabelConfigException.class,
                e -> assertThat(e.field()).isEqualTo("regex"), () -> RelabelConfig.fromMap(rule));
    }

    /** @return whether the rules loaded (and then ran without throwing) */
    private static boolean relabel(List<Map<String, Object>> rules, Labels labels) {
        Relabeler relabeler = Refusals.decodeOrRefuse(InvalidRelabelConfigException.class, e -> { },
                () -> Relabeler.of(RelabelConfig.fromMaps(rules)));
        if (relabeler != null) {
            Refusals.decodeOrRefuse(NoException.class, e -> { }, () -> relabeler.process(labels));
        }
        return relabeler != null;
    }

    private static Map<String, Object> ruleMap(Gen g) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = g.intBetween(0, 5);
        for (int i = 0; i < n; i++) {
            String key = g.intBetween(0, 20) > 0 ? g.pick(KEYS) : g.anyString(8);
            Object value = switch (g.intBetween(0, 6)) {
                case 0 -> g.pick(ACTIONS);
                case 1 -> regex(g);
                case 2 -> template(g);
                case 3 -> g.list(0, 3, RelabelFuzzTest::name);
                case 4 -> g.oneOf(0, 1, 7, -1, Long.MAX_VALUE, 1.5, "18446744073709551615", "18446744073709551616",
                        true);
                case 5 -> null;
                default -> Map.of("a", "b");
            };
            m.put(key, value);
        }
        return m;
    }

    /** Rules shaped for their action, so most load and the relabeling itself is what gets fuzzed. */
    private static List<Map<String, Object>> plausibleRules(Gen g) {
        return g.list(1, 3, x -> {
            String action = x.pick(ACTIONS.subList(0, 11));
            List<String> sources = x.list(1, 3, RelabelFuzzTest::name);
            String regex = regex(x);
            String target = x.bool() ? name(x) : x.oneOf("$1", "${1}", "b_$1", "${name}x", "$2", "__name__");
            String replacement = x.bool() ? template(x) : x.oneOf("$1", "${1}_x", "a", "");
            long modulus = x.longBetween(1, 1000);
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
    }

    /** YAML keys need not be strings: 1, true, ~ and [a] load as Integer, Boolean, null and List keys. */
    private static String ruleYaml(Gen g) {
        List<String> rules = g.list(0, 3, x -> {
            Set<String> keys = new LinkedHashSet<>();
            List<String> entries = new ArrayList<>();
            int n = x.intBetween(1, 5);
            for (int i = 0; i < n; i++) {
                String k = x.bool() ? x.pick(KEYS) : x.oneOf("1", "true", "~", "[a]");
                if (keys.add(k)) {
                    entries.add(k + ": " + x.oneOf("replace", "labelmap", "hashmod", "keep", "[a, b]", "\"(.*)\"",
                            "'$1'", "~", "3", "-1", "''", "\"\\u00e9\"", "[]", "{}", "\"a;b\""));
                }
            }
            return "- " + String.join("\n  ", entries);
        });
        return rules.isEmpty() ? "[]" : String.join("\n", rules);
    }

    private static String regex(Gen g) {
        return g.bool() ? String.join("", g.list(0, 10, x -> x.pick(REGEX_TOKENS))) : g.anyString(12);
    }

    private static String template(Gen g) {
        return String.join("", g.list(0, 6, x -> x.pick(TEMPLATE_TOKENS)));
    }

    private static String value(Gen g) {
        return g.bool() ? g.anyString(30) : g.string("ab_\n\u00e9", 0, 30);
    }

    private static Labels labels(Gen g) {
        Map<String, String> map = new LinkedHashMap<>();
        int n = g.intBetween(0, 5);
        for (int i = 0; i < n; i++) {
            map.put(name(g), value(g));
        }
        Labels.Builder b = Labels.builder();
        map.forEach(b::add);
        return b.build();
    }

    private static String name(Gen g) {
        return g.bool() ? g.oneOf("__name__", "job", "instance", "a", "b", "__meta_x", "__tmp")
                : g.string("ab_1", 1, 4);
    }

    /** For calls that have no documented refusal: any exception at all fails the try. */
    private static final class NoException extends RuntimeException {
    }
}
