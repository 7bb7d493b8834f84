package io.basalt.relabel;

import io.basalt.model.regex.GoRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One relabel rule as configured, with Prometheus' defaults filled in and its load-time checks applied, so that a
 * rule the agent or insert-service accepts is one Prometheus 2.42 would accept too.
 *
 * @param sourceLabels the labels whose values are joined, or {@code null} when the key was not given
 * @param separator    joins the source values
 * @param regex        the unanchored expression as written; anchoring is implied
 * @param modulus      for {@code hashmod}; 0 when unset
 * @param targetLabel  the label written by replace, hashmod, lowercase, uppercase; compared by keepequal/dropequal
 * @param replacement  the template written by replace and labelmap
 */
public record RelabelConfig(List<String> sourceLabels, String separator, String regex, long modulus,
        String targetLabel, String replacement, RelabelAction action) {

    public static final String DEFAULT_SEPARATOR = ";";

    public static final String DEFAULT_REGEX = "(.*)";

    public static final String DEFAULT_REPLACEMENT = "$1";

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Prometheus' {@code relabelTarget}: a label name that may contain {@code $1} or {@code ${name}} references. */
    private static final Pattern TARGET_TEMPLATE = Pattern.compile("(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+");

    private static final Set<String> FIELDS = Set.of("source_labels", "separator", "regex", "modulus",
            "target_label", "replacement", "action");

    public RelabelConfig {
        sourceLabels = sourceLabels == null ? null : List.copyOf(sourceLabels);
        separator = separator == null ? DEFAULT_SEPARATOR : separator;
        regex = regex == null ? "" : regex;
        targetLabel = targetLabel == null ? "" : targetLabel;
        replacement = replacement == null ? DEFAULT_REPLACEMENT : replacement;
        if (action == null) {
            throw new InvalidRelabelConfigException("action", "relabel action cannot be empty");
        }
        validate(sourceLabels, separator, regex, modulus, targetLabel, replacement, action);
    }

    /** A rule with every field at its default except the action. */
    public static RelabelConfig of(RelabelAction action) {
        return new RelabelConfig(null, DEFAULT_SEPARATOR, DEFAULT_REGEX, 0, "", DEFAULT_REPLACEMENT, action);
    }

    /**
     * Builds a rule from a parsed YAML or JSON mapping with Prometheus' keys ({@code source_labels},
     * {@code separator}, {@code regex}, {@code modulus}, {@code target_label}, {@code replacement}, {@code action}).
     * A key present with a null value means what it means to Prometheus: an explicit {@code regex: null} is the
     * empty expression.
     *
     * @throws InvalidRelabelConfigException naming the field, for an unknown key or a rule Prometheus rejects
     */
    public static RelabelConfig fromMap(Map<String, ?> map) {
        // YAML may load a key as a number or boolean ("- 1: replace"): that is an unknown field too, never a crash.
        for (Object key : map.keySet()) {
            if (!(key instanceof String name) || !FIELDS.contains(name)) {
                throw new InvalidRelabelConfigException(String.valueOf(key),
                        "field " + key + " not found in relabel config");
            }
        }
        List<String> sources = null;
        if (map.containsKey("source_labels")) {
            Object raw = map.get("source_labels");
            sources = new ArrayList<>();
            if (raw instanceof List<?> list) {
                for (Object o : list) {
                    sources.add(o == null ? "" : o.toString());
                }
            }
            else if (raw != null) {
                throw new InvalidRelabelConfigException("source_labels", "source_labels must be a list of names");
            }
        }
        String regex = map.containsKey("regex") ? text(map.get("regex")) : DEFAULT_REGEX;
        long modulus = 0;
        Object rawModulus = map.get("modulus");
        if (rawModulus != null) {
            try {
                modulus = Long.parseUnsignedLong(rawModulus.toString());
            }
            catch (NumberFormatException e) {
                throw new InvalidRelabelConfigException("modulus", "modulus must be an unsigned integer: " + rawModulus);
            }
        }
        Object rawAction = map.get("action");
        RelabelAction action = rawAction == null ? RelabelAction.REPLACE : RelabelAction.parse(rawAction.toString());
        return new RelabelConfig(sources, textOr(map, "separator", DEFAULT_SEPARATOR), regex, modulus,
                textOr(map, "target_label", ""), textOr(map, "replacement", DEFAULT_REPLACEMENT), action);
    }

    /** Builds each rule of a list, e.g. a {@code relabel_configs} section. */
    public static List<RelabelConfig> fromMaps(List<? extends Map<String, ?>> maps) {
        List<RelabelConfig> out = new ArrayList<>(maps.size());
        for (Map<String, ?> map : maps) {
            out.add(fromMap(map));
        }
        return List.copyOf(out);
    }

    /** Whether {@code name} is a valid Prometheus label name. */
    public static boolean isValidLabelName(String name) {
        return name != null && LABEL_NAME.matcher(name).matches();
    }

    private static String textOr(Map<String, ?> map, String key, String fallback) {
        Object v = map.get(key);
        return v == null ? fallback : v.toString();
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }

    private static void validate(List<String> sources, String separator, String regex, long modulus,
            String target, String replacement, RelabelAction action) {
        String name = action.configName();
        if (sources != null) {
            for (String s : sources) {
                if (!isValidLabelName(s)) {
                    throw new InvalidRelabelConfigException("source_labels", "\"" + s + "\" is not a valid label name");
                }
            }
        }
        try {
            GoRegex.compile(regex);
        }
        catch (PatternSyntaxException e) {
            throw new InvalidRelabelConfigException("regex", "invalid regex \"" + regex + "\": " + e.getDescription());
        }
        if (action == RelabelAction.HASHMOD && modulus == 0) {
            throw new InvalidRelabelConfigException("modulus", "relabel configuration for hashmod requires non-zero modulus");
        }
        boolean writesTarget = switch (action) {
            case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
            default -> false;
        };
        if (writesTarget && target.isEmpty()) {
            throw new InvalidRelabelConfigException("target_label",
                    "relabel configuration for " + name + " action requires 'target_label' value");
        }
        boolean templatedTarget = writesTarget && action != RelabelAction.HASHMOD;
        if (templatedTarget && !TARGET_TEMPLATE.matcher(target).matches()) {
            throw new InvalidRelabelConfigException("target_label",
                    "\"" + target + "\" is invalid 'target_label' for " + name + " action");
        }
        boolean fixedReplacement = switch (action) {
            case LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
            default -> false;
        };
        if (fixedReplacement && !replacement.equals(DEFAULT_REPLACEMENT)) {
            throw new InvalidRelabelConfigException("replacement", "'replacement' can not be set for " + name + " action");
        }
        if (action == RelabelAction.LABELMAP && !TARGET_TEMPLATE.matcher(replacement).matches()) {
            throw new InvalidRelabelConfigException("replacement",
                    "\"" + replacement + "\" is invalid 'replacement' for " + name + " action");
        }
        if (action == RelabelAction.HASHMOD && !isValidLabelName(target)) {
            throw new InvalidRelabelConfigException("target_label",
                    "\"" + target + "\" is invalid 'target_label' for " + name + " action");
        }
        if ((action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL)
                && (!regex.equals(DEFAULT_REGEX) || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR))) {
            throw new InvalidRelabelConfigException(null,
                    name + " action requires only 'source_labels' and `target_label`, and no other fields");
        }
        if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP) && (sources != null
                || !target.isEmpty() || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR)
                || !replacement.equals(DEFAULT_REPLACEMENT))) {
            throw new InvalidRelabelConfigException(null, name + " action requires only 'regex', and no other fields");
        }
    }
}
