package io.basalt.scrape.discovery;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.config.Secret;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The current context of a kubeconfig file, as kubectl reads it: its cluster's server and CA, and its user's token,
 * basic auth or client certificate. Relative file paths resolve against the kubeconfig's directory. Credential
 * plugins ({@code exec}, {@code auth-provider}) are refused: the agent runs no external programs.
 */
final class Kubeconfig {

    private Kubeconfig() {
    }

    /** @throws DiscoveryException naming the file and what is missing or wrong in it */
    static KubernetesApi.Access read(Path file) {
        Object root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        catch (IOException e) {
            throw new DiscoveryException("kubeconfig_file " + file + ": cannot read: " + e.getClass().getSimpleName(),
                    e);
        }
        catch (MarkedYAMLException e) {
            // The problem and its line only: the parser's full message quotes the file, which holds credentials.
            throw new DiscoveryException("kubeconfig_file " + file + ": not YAML: line "
                    + (e.getProblemMark() == null ? "?" : e.getProblemMark().getLine() + 1) + ": " + e.getProblem(), e);
        }
        catch (YAMLException e) {
            throw new DiscoveryException("kubeconfig_file " + file + ": not YAML", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Map<?, ?> config = map(root, file, "the file");
        String current = text(config, "current-context");
        if (current == null || current.isEmpty()) {
            throw new DiscoveryException("kubeconfig_file " + file + ": no current-context");
        }
        Map<?, ?> context = named(config, "contexts", "context", current, file);
        Map<?, ?> cluster = named(config, "clusters", "cluster", text(context, "cluster"), file);
        String user = text(context, "user");
        Map<?, ?> credentials = user == null || user.isEmpty() ? Map.of()
                : named(config, "users", "user", user, file);
        for (String plugin : List.of("exec", "auth-provider")) {
            if (credentials.get(plugin) != null) {
                throw new DiscoveryException("kubeconfig_file " + file + ": user \"" + user + "\" uses " + plugin
                        + ", which is not supported: use a token, token file or client certificate");
            }
        }
        String server = text(cluster, "server");
        if (server == null || server.isEmpty()) {
            throw new DiscoveryException("kubeconfig_file " + file + ": cluster of context \"" + current
                    + "\" has no server");
        }
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        }
        catch (IllegalArgumentException e) {
            throw new DiscoveryException("kubeconfig_file " + file + ": invalid server \"" + server + "\"", e);
        }
        String key = decoded(credentials, "client-key-data", file);
        HttpClientSettings.TlsSettings tls = new HttpClientSettings.TlsSettings(
                decoded(cluster, "certificate-authority-data", file), path(cluster, "certificate-authority", dir),
                decoded(credentials, "client-certificate-data", file), path(credentials, "client-certificate", dir),
                key == null ? null : new Secret(key), path(credentials, "client-key", dir),
                text(cluster, "tls-server-name"), "true".equals(text(cluster, "insecure-skip-tls-verify")),
                HttpClientSettings.TlsSettings.DEFAULT_MIN_VERSION);
        HttpClientSettings.BasicAuth basic = null;
        HttpClientSettings.Authorization bearer = null;
        String token = text(credentials, "token");
        Path tokenFile = path(credentials, "tokenFile", dir);
        if (token != null && !token.isEmpty()) {
            bearer = new HttpClientSettings.Authorization("Bearer", new Secret(token), null);
        }
        else if (tokenFile != null) {
            bearer = new HttpClientSettings.Authorization("Bearer", null, tokenFile);
        }
        else if (text(credentials, "username") != null) {
            String password = text(credentials, "password");
            basic = new HttpClientSettings.BasicAuth(text(credentials, "username"),
                    password == null ? null : new Secret(password), null);
        }
        return new KubernetesApi.Access(uri, new HttpClientSettings(basic, bearer, null, tls));
    }

    /** The {@code inner} mapping of the entry of list {@code list} called {@code name}. */
    private static Map<?, ?> named(Map<?, ?> config, String list, String inner, String name, Path file) {
        if (config.get(list) instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m && name != null && name.equals(text(m, "name"))) {
                    return map(m.get(inner), file, list + " entry \"" + name + "\"");
                }
            }
        }
        throw new DiscoveryException("kubeconfig_file " + file + ": no entry \"" + name + "\" in " + list);
    }

    private static Map<?, ?> map(Object o, Path file, String what) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new DiscoveryException("kubeconfig_file " + file + ": " + what + " is not a mapping");
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static Path path(Map<?, ?> m, String key, Path dir) {
        String v = text(m, key);
        return v == null || v.isEmpty() ? null : dir.resolve(v);
    }

    /** The {@code *-data} fields hold base64 of the PEM text. */
    private static String decoded(Map<?, ?> m, String key, Path file) {
        String v = text(m, key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw new DiscoveryException("kubeconfig_file " + file + ": " + key + " is not base64", e);
        }
    }
}
