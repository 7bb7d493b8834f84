package io.basalt.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds credentials written into configuration instead of referenced as files. Every setting whose name speaks of a
 * password, token, secret or key must hold a path under one of the mount points the deployment gives its secrets;
 * an environment variable reference is also fine. Anything else there would be a secret value in a ConfigMap or a
 * committed file.
 */
final class SecretReferences {

    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(password|token|secret|private|key|credential).*");

    private SecretReferences() {
    }

    /** Paths like {@code basalt.security.auth.users[0].password} whose value is not a file under a mount point. */
    static List<String> inlined(Object tree, String... mountPoints) {
        List<String> found = new ArrayList<>();
        walk(tree, "", found, mountPoints);
        return found;
    }

    private static void walk(Object node, String path, List<String> found, String[] mountPoints) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String child = path.isEmpty() ? k.toString() : path + "." + k;
                if (!(v instanceof Map<?, ?>) && !(v instanceof Collection<?>) && v != null
                        && CREDENTIAL.matcher(k.toString()).matches() && !isFileUnder(v.toString(), mountPoints)) {
                    found.add(child + "=" + v);
                }
                walk(v, child, found, mountPoints);
            });
        } else if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, mountPoints);
            }
        } else if (node instanceof String text && text.contains("-----BEGIN")) {
            found.add(path + " holds PEM material");
        }
    }

    private static boolean isFileUnder(String value, String[] mountPoints) {
        if (value.matches("\\$\\{?[A-Z_][A-Z0-9_]*}?")) {
            // an environment variable the process fills in at start (Grafana's provisioning has no file references)
            return true;
        }
        String file = value.startsWith("file:") ? value.substring("file:".length()) : value;
        for (String mount : mountPoints) {
            if (file.startsWith(mount)) {
                return true;
            }
        }
        return false;
    }
}
