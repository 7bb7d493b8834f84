package io.basalt.scrape.discovery;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.config.KubernetesSdConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The API server one {@code kubernetes_sd_configs} entry talks to, and its credentials: {@code api_server} with the
 * entry's HTTP client fields, the current context of {@code kubeconfig_file}, or else the cluster the agent runs in
 * (its service account's token and CA, as Prometheus and client-go's in-cluster config use them). Token and CA files
 * are read again as they change, so a rotated service-account token is picked up.
 */
final class KubernetesApi {

    /** Where an API server is and how to authenticate to it. */
    record Access(URI server, HttpClientSettings http) {
    }

    private static final Map<String, String> ACCEPT_JSON = Map.of("Accept", "application/json");

    private final URI server;

    private final DiscoveryHttpClient http;

    private KubernetesApi(Access access, Duration timeout) {
        this.server = access.server();
        this.http = new DiscoveryHttpClient(access.http(), timeout);
    }

    /**
     * @param environment    where KUBERNETES_SERVICE_HOST and _PORT are read in the cluster
     * @param serviceAccount where the pod's service account is mounted
     * @throws DiscoveryException when neither is given and the agent is not in a cluster, or the kubeconfig is bad
     */
    static KubernetesApi connect(KubernetesSdConfig config, Map<String, String> environment, Path serviceAccount,
            Duration timeout) {
        Access access;
        if (config.apiServer() != null) {
            access = new Access(config.apiServer(), config.http());
        }
        else if (config.kubeconfigFile() != null) {
            access = Kubeconfig.read(config.kubeconfigFile());
        }
        else {
            access = inCluster(environment, serviceAccount);
        }
        return new KubernetesApi(access, timeout);
    }

    private static Access inCluster(Map<String, String> environment, Path serviceAccount) {
        String host = environment.get("KUBERNETES_SERVICE_HOST");
        String port = environment.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isEmpty() || port == null || port.isEmpty()) {
            throw new DiscoveryException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                    + "KUBERNETES_SERVICE_PORT must be defined");
        }
        URI server = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        return new Access(server, new HttpClientSettings(null, new HttpClientSettings.Authorization("Bearer", null,
                serviceAccount.resolve("token")), null, new HttpClientSettings.TlsSettings(null,
                        serviceAccount.resolve("ca.crt"), null, null, null, null, null, false,
                        HttpClientSettings.TlsSettings.DEFAULT_MIN_VERSION)));
    }

    /** A list answer ({@code items} and {@code metadata.resourceVersion}). */
    JsonNode list(String pathAndQuery) {
        return http.json(url(pathAndQuery), ACCEPT_JSON);
    }

    /** A watch stream: one JSON event after another, for as long as the server keeps it open. */
    HttpResponse<InputStream> watch(String pathAndQuery) {
        return http.open(url(pathAndQuery), ACCEPT_JSON);
    }

    private URI url(String pathAndQuery) {
        return URI.create(server + pathAndQuery);
    }
}
