package io.basalt.scrape.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code kubernetes_sd_configs}. The API server is, in this order of precedence: {@code api_server} with the HTTP
 * client fields, the current context of {@code kubeconfig_file}, or the cluster the agent runs in.
 *
 * @param apiServer      {@code null} for the kubeconfig's or the in-cluster API server
 * @param kubeconfigFile {@code null} unless given; never together with {@code apiServer}
 * @param namespaces     empty for all namespaces (every role but node)
 * @param ownNamespace   also the namespace of the agent's own pod
 * @param selectors      at most one per role, each passed to the API server when listing and watching that role's
 *                       objects
 */
public record KubernetesSdConfig(Role role, URI apiServer, Path kubeconfigFile, List<String> namespaces,
        boolean ownNamespace, List<Selector> selectors, HttpClientSettings http) implements DiscoveryConfig {

    /**
     * Objects are watched, so changes arrive as they happen; every this often they are listed again in full anyway,
     * so that an event lost to a broken stream cannot leave a target wrong for long.
     */
    public static final Duration RESYNC_INTERVAL = Duration.ofMinutes(10);

    /** The roles, each naming the API resource whose objects become targets. */
    public enum Role {
        NODE, SERVICE, POD, ENDPOINTS, ENDPOINTSLICE, INGRESS;

        /** As written in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A label and field selector for one role's objects, in Kubernetes' syntax; either may be {@code null}. */
    public record Selector(Role role, String label, String field) {
    }

    public KubernetesSdConfig {
        namespaces = List.copyOf(namespaces);
        selectors = List.copyOf(selectors);
    }

    /** The selector for {@code objects}, or {@code null}. */
    public Selector selector(Role objects) {
        for (Selector s : selectors) {
            if (s.role() == objects) {
                return s;
            }
        }
        return null;
    }

    @Override
    public Duration refreshInterval() {
        return RESYNC_INTERVAL;
    }
}
