package io.basalt.scrape.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code kubernetes_sd_configs} for the roles node, service and pod.
 *
 * @param apiServer    {@code null} to use the in-cluster API server and service account
 * @param namespaces   empty for all namespaces (roles service and pod)
 * @param ownNamespace also the namespace of the agent's own pod
 */
public record KubernetesSdConfig(Role role, URI apiServer, List<String> namespaces, boolean ownNamespace,
        List<Selector> selectors, HttpClientSettings http) implements DiscoveryConfig {

    /** The objects are listed again this often; watching them is not implemented yet. */
    public static final Duration RELIST_INTERVAL = Duration.ofSeconds(30);

    public enum Role {
        NODE, SERVICE, POD
    }

    /** A label and field selector for the API server, in Kubernetes' syntax; either may be {@code null}. */
    public record Selector(String label, String field) {
    }

    public KubernetesSdConfig {
        namespaces = List.copyOf(namespaces);
        selectors = List.copyOf(selectors);
    }

    @Override
    public Duration refreshInterval() {
        return RELIST_INTERVAL;
    }
}
