package io.basalt.relabel;

import java.util.Locale;

/** The relabeling actions Prometheus 2.42 knows, named as in its configuration. */
public enum RelabelAction {
    REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

    /** The name as written in YAML, e.g. {@code labeldrop}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configured action; like Prometheus, the name is case-insensitive. */
    public static RelabelAction parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidRelabelConfigException("action", "relabel action cannot be empty");
        }
        for (RelabelAction action : values()) {
            if (action.name().equalsIgnoreCase(text)) {
                return action;
            }
        }
        throw new InvalidRelabelConfigException("action", "unknown relabel action \"" + text + "\"");
    }
}
