package io.basalt.scrape.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.scrape.config.KubernetesSdConfig.Role;
import io.basalt.scrape.config.KubernetesSdConfig.Selector;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubernetes_sd_configs as the config loader reads and refuses it, with Prometheus' rules and messages. */
class KubernetesSdConfigTest {

    private static KubernetesSdConfig load(String entry) {
        return (KubernetesSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: k8s
                    kubernetes_sd_configs:
                      - %s
                """.formatted(entry), Path.of("/etc/basalt")).scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    private static void refused(String entry, String message) {
        assertThatThrownBy(() -> load(entry)).isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageStartingWith("agent.yml:").hasMessageContaining(message);
    }

    @Test
    void everyRoleIsRead() {
        for (Role role : Role.values()) {
            assertThat(load("{role: " + role.configName() + "}").role()).isEqualTo(role);
        }
    }

    @Test
    void endpointsTakeSelectorsForThemselvesTheirPodsAndTheirServices() {
        KubernetesSdConfig c = load("{role: endpoints, api_server: 'https://k8s.example:6443/', bearer_token_file: t, "
                + "namespaces: {names: [shop, ops], own_namespace: true}, selectors: ["
                + "{role: endpoints, label: 'app=web'}, {role: pod, field: 'status.phase=Running'}, "
                + "{role: service, label: '  '}]}");

        assertThat(c.apiServer()).isEqualTo(URI.create("https://k8s.example:6443"));
        assertThat(c.namespaces()).containsExactly("shop", "ops");
        assertThat(c.ownNamespace()).isTrue();
        assertThat(c.selector(Role.ENDPOINTS)).isEqualTo(new Selector(Role.ENDPOINTS, "app=web", null));
        assertThat(c.selector(Role.POD)).isEqualTo(new Selector(Role.POD, null, "status.phase=Running"));
        assertThat(c.selector(Role.SERVICE)).isEqualTo(new Selector(Role.SERVICE, null, null));
        assertThat(c.http().authorization().credentialsFile()).isEqualTo(Path.of("/etc/basalt/t"));
        assertThat(c.kubeconfigFile()).isNull();
    }

    @Test
    void kubeconfigFileResolvesAgainstTheConfigDirectory() {
        KubernetesSdConfig c = load("{role: endpointslice, kubeconfig_file: kube/config}");

        assertThat(c.kubeconfigFile()).isEqualTo(Path.of("/etc/basalt/kube/config"));
        assertThat(c.apiServer()).isNull();
        assertThat(c.http()).isEqualTo(HttpClientSettings.NONE);
    }

    @Test
    void badEntriesAreRefusedWithPrometheusMessages() {
        refused("{api_server: 'https://k'}", "role missing (one of: pod, service, endpoints, endpointslice, node, "
                + "ingress)");
        refused("{role: nodes}", "unknown Kubernetes SD role \"nodes\"");
        refused("{role: pod, selectors: [{role: node, label: 'a=b'}]}", "pod role supports only pod selectors");
        refused("{role: endpointslice, selectors: [{role: endpoints, label: 'a=b'}]}",
                "endpointslice role supports only pod, service, endpointslice selectors");
        refused("{role: endpoints, selectors: [{role: pod, label: 'a=b'}, {role: pod, field: 'c=d'}]}",
                "duplicated selector role: pod");
        refused("{role: pod, bearer_token: x}", "provide the 'api_server' URL explicitly");
        refused("{role: pod, api_server: 'https://k', kubeconfig_file: /k}",
                "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        refused("{role: pod, kubeconfig_file: /k, tls_config: {insecure_skip_verify: true}}",
                "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
        refused("{role: pod, api_server: 'k8s:6443'}", "api_server must be http(s)://host[:port]");
        refused("{role: pod, namespaces: {name: [a]}}", "field name not found");
        refused("{role: pod, attach_metadata: {node: true}}", "field attach_metadata not found");
    }
}
