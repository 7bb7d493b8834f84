package io.basalt.scrape.discovery;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubernetes_sd_configs}, roles node, service and pod: the objects are listed from the API server (again every
 * {@link KubernetesSdConfig#RELIST_INTERVAL}; watching is not implemented yet) and turned into targets by
 * {@link KubernetesTargets}. Without {@code api_server} the agent uses the
 * in-cluster API server and its pod's service account, as Prometheus does.
 */
public final class KubernetesSd implements Supplier<List<TargetGroup>> {

    /** Where Kubernetes mounts a pod's service account. */
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private final KubernetesSdConfig config;

    private final Map<String, String> environment;

    private final Path serviceAccount;

    private DiscoveryHttpClient http;

    private URI apiServer;

    public KubernetesSd(KubernetesSdConfig config) {
        this(config, System.getenv(), SERVICE_ACCOUNT);
    }

    /** @param environment where KUBERNETES_SERVICE_HOST and _PORT are read in the cluster */
    KubernetesSd(KubernetesSdConfig config, Map<String, String> environment, Path serviceAccount) {
        this.config = config;
        this.environment = environment;
        this.serviceAccount = serviceAccount;
    }

    @Override
    public List<TargetGroup> get() {
        connect();
        List<TargetGroup> out = new ArrayList<>();
        switch (config.role()) {
            case NODE -> list("nodes", false).forEach(n -> out.addAll(KubernetesTargets.node(n)));
            case SERVICE -> list("services", true).forEach(s -> out.addAll(KubernetesTargets.service(s)));
            case POD -> list("pods", true).forEach(p -> out.addAll(KubernetesTargets.pod(p)));
        }
        return out;
    }

    /** Finds the API server and credentials once: given, or the cluster's own. */
    private synchronized void connect() {
        if (http != null) {
            return;
        }
        HttpClientSettings settings = config.http();
        URI server = config.apiServer();
        if (server == null) {
            String host = environment.get("KUBERNETES_SERVICE_HOST");
            String port = environment.get("KUBERNETES_SERVICE_PORT");
            if (host == null || port == null) {
                throw new DiscoveryException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                        + "KUBERNETES_SERVICE_PORT must be defined");
            }
            server = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
            settings = new HttpClientSettings(null, new HttpClientSettings.Authorization("Bearer", null,
                    serviceAccount.resolve("token")), null, new HttpClientSettings.TlsSettings(null,
                            serviceAccount.resolve("ca.crt"), null, null, null, null, null, false,
                            HttpClientSettings.TlsSettings.DEFAULT_MIN_VERSION));
        }
        apiServer = server;
        http = new DiscoveryHttpClient(settings, Discoveries.requestTimeout(config.refreshInterval()));
    }

    private List<JsonNode> list(String resource, boolean namespaced) {
        List<String> paths = new ArrayList<>();
        Set<String> namespaces = namespaces();
        if (!namespaced || namespaces.isEmpty()) {
            paths.add("/api/v1/" + resource);
        }
        else {
            namespaces.forEach(ns -> paths.add("/api/v1/namespaces/" + encode(ns) + "/" + resource));
        }
        List<String> query = new ArrayList<>();
        List<String> labelSelectors = new ArrayList<>();
        List<String> fieldSelectors = new ArrayList<>();
        for (KubernetesSdConfig.Selector s : config.selectors()) {
            if (s.label() != null) {
                labelSelectors.add(s.label());
            }
            if (s.field() != null) {
                fieldSelectors.add(s.field());
            }
        }
        if (!labelSelectors.isEmpty()) {
            query.add("labelSelector=" + encode(String.join(",", labelSelectors)));
        }
        if (!fieldSelectors.isEmpty()) {
            query.add("fieldSelector=" + encode(String.join(",", fieldSelectors)));
        }
        List<JsonNode> items = new ArrayList<>();
        for (String path : paths) {
            URI url = URI.create(apiServer + path + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            http.json(url, Map.of("Accept", "application/json")).path("items").forEach(items::add);
        }
        return items;
    }

    private Set<String> namespaces() {
        Set<String> out = new LinkedHashSet<>(config.namespaces());
        if (config.ownNamespace()) {
            try {
                out.add(Files.readString(serviceAccount.resolve("namespace"), StandardCharsets.UTF_8).strip());
            }
            catch (IOException e) {
                throw new DiscoveryException("own_namespace: cannot read " + serviceAccount.resolve("namespace")
                        + ": " + e.getClass().getSimpleName(), e);
            }
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
