package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.config.TargetGroup;
import io.basalt.scrape.support.FakeJsonApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubernetes_sd_configs against a fake API server serving list answers in the shape Kubernetes gives them. */
class KubernetesSdTest {

    private FakeJsonApi api;

    @TempDir
    Path serviceAccount;

    @BeforeEach
    void fakeApiServer() throws Exception {
        api = new FakeJsonApi()
                .json("/api/v1/nodes", () -> """
                        {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "100"},
                         "items": [{"metadata": {"name": "node-1", "labels": {"kubernetes.io/os": "linux"},
                                                 "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
                                    "spec": {"providerID": "aws:///eu-west-1a/i-0abc"},
                                    "status": {"addresses": [{"type": "Hostname", "address": "node-1"},
                                                             {"type": "InternalIP", "address": "10.0.0.1"},
                                                             {"type": "InternalIP", "address": "10.0.0.9"}],
                                               "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}}]}
                        """)
                .json("/api/v1/namespaces/shop/services", () -> """
                        {"kind": "ServiceList", "apiVersion": "v1", "metadata": {"resourceVersion": "101"},
                         "items": [{"metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
                                    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10",
                                             "ports": [{"name": "http", "port": 80, "protocol": "TCP"},
                                                       {"name": "metrics", "port": 9100, "protocol": "TCP"}]}}]}
                        """)
                .json("/api/v1/pods", () -> """
                        {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "102"},
                         "items": [{"metadata": {"name": "web-7d4b9", "namespace": "shop", "uid": "u-1",
                                                 "labels": {"app.kubernetes.io/name": "web"},
                                                 "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d4",
                                                                      "controller": true}]},
                                    "spec": {"nodeName": "node-1",
                                             "initContainers": [{"name": "init", "image": "busybox"}],
                                             "containers": [{"name": "app", "image": "shop/web:1.2",
                                                             "ports": [{"name": "metrics", "containerPort": 8080,
                                                                        "protocol": "TCP"}]},
                                                            {"name": "sidecar", "image": "envoy"}]},
                                    "status": {"phase": "Running", "podIP": "10.244.1.5", "hostIP": "10.0.0.1",
                                               "conditions": [{"type": "Ready", "status": "True"}]}},
                                   {"metadata": {"name": "pending", "namespace": "shop", "uid": "u-2"},
                                    "spec": {"containers": [{"name": "app", "image": "x"}]},
                                    "status": {"phase": "Pending"}}]}
                        """);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private KubernetesSdConfig config(String entry) {
        return (KubernetesSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: k8s
                    kubernetes_sd_configs: [%s]
                """.formatted(entry), null).scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    private List<TargetGroup> discover(String entry) {
        return new KubernetesSd(config("{api_server: '" + api.baseUrl() + "', bearer_token: t0ken, " + entry + "}"))
                .get();
    }

    @Test
    void nodesAreTheirKubeletWithNodeLabels() {
        assertThat(discover("role: node")).containsExactly(new TargetGroup(List.of("10.0.0.1:10250"), Labels.of(
                "instance", "node-1", "__meta_kubernetes_node_name", "node-1",
                "__meta_kubernetes_node_provider_id", "aws:///eu-west-1a/i-0abc",
                "__meta_kubernetes_node_label_kubernetes_io_os", "linux",
                "__meta_kubernetes_node_labelpresent_kubernetes_io_os", "true",
                "__meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl", "0",
                "__meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl", "true",
                "__meta_kubernetes_node_address_Hostname", "node-1",
                "__meta_kubernetes_node_address_InternalIP", "10.0.0.1"), "node/node-1"));
        assertThat(api.requests()).singleElement().satisfies(r -> {
            assertThat(r.pathAndQuery()).isEqualTo("/api/v1/nodes");
            assertThat(r.authorization()).isEqualTo("Bearer t0ken");
        });
    }

    @Test
    void servicesGiveATargetPerPortInTheirNamespaces() {
        List<TargetGroup> groups = discover("role: service, namespaces: {names: [shop]}, "
                + "selectors: [{role: service, label: 'app=web', field: 'metadata.name=web'}]");

        assertThat(groups).extracting(g -> g.targets().get(0)).containsExactly("web.shop.svc:80", "web.shop.svc:9100");
        assertThat(groups.get(1).labels()).isEqualTo(Labels.of("__meta_kubernetes_namespace", "shop",
                "__meta_kubernetes_service_name", "web", "__meta_kubernetes_service_type", "ClusterIP",
                "__meta_kubernetes_service_cluster_ip", "10.96.0.10", "__meta_kubernetes_service_label_app", "web",
                "__meta_kubernetes_service_labelpresent_app", "true", "__meta_kubernetes_service_port_name",
                "metrics", "__meta_kubernetes_service_port_number", "9100",
                "__meta_kubernetes_service_port_protocol", "TCP"));
        assertThat(api.requests()).extracting(FakeJsonApi.Request::pathAndQuery).containsExactly(
                "/api/v1/namespaces/shop/services?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dweb");
    }

    @Test
    void podsGiveATargetPerDeclaredPortAndOnePerContainerWithoutPorts() {
        List<TargetGroup> groups = discover("role: pod");

        assertThat(groups).extracting(g -> g.targets().get(0)).containsExactly("10.244.1.5:8080", "10.244.1.5");
        Labels app = groups.get(0).labels();
        assertThat(app.get("__meta_kubernetes_pod_name")).isEqualTo("web-7d4b9");
        assertThat(app.get("__meta_kubernetes_namespace")).isEqualTo("shop");
        assertThat(app.get("__meta_kubernetes_pod_label_app_kubernetes_io_name")).isEqualTo("web");
        assertThat(app.get("__meta_kubernetes_pod_container_name")).isEqualTo("app");
        assertThat(app.get("__meta_kubernetes_pod_container_port_name")).isEqualTo("metrics");
        assertThat(app.get("__meta_kubernetes_pod_container_port_number")).isEqualTo("8080");
        assertThat(app.get("__meta_kubernetes_pod_container_init")).isEqualTo("false");
        assertThat(app.get("__meta_kubernetes_pod_ready")).isEqualTo("true");
        assertThat(app.get("__meta_kubernetes_pod_phase")).isEqualTo("Running");
        assertThat(app.get("__meta_kubernetes_pod_node_name")).isEqualTo("node-1");
        assertThat(app.get("__meta_kubernetes_pod_controller_kind")).isEqualTo("ReplicaSet");
        assertThat(app.get("__meta_kubernetes_pod_controller_name")).isEqualTo("web-7d4");
        assertThat(groups.get(1).labels().get("__meta_kubernetes_pod_container_name")).isEqualTo("sidecar");
    }

    @Test
    void inTheClusterTheServiceAccountIsUsed() throws Exception {
        Files.writeString(serviceAccount.resolve("namespace"), "shop\n");
        Map<String, String> noCluster = Map.of();
        KubernetesSd outside = new KubernetesSd(config("{role: pod}"), noCluster, serviceAccount);
        assertThatThrownBy(outside::get).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");

        KubernetesSd inside = new KubernetesSd(config("{role: pod, namespaces: {own_namespace: true}}"),
                Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", "1"), serviceAccount);
        // No token is mounted here, as outside a pod: the attempt fails and names the service account's file.
        assertThatThrownBy(inside::get).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining(serviceAccount.resolve("token").toString());
    }

    @Test
    void configIsValidatedAsPrometheusDoes() {
        assertThatThrownBy(() -> config("{role: endpoints}")).isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageContaining("role endpoints is not supported yet");
        assertThatThrownBy(() -> config("{role: nodes}")).isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageContaining("unknown Kubernetes SD role \"nodes\"");
        assertThatThrownBy(() -> config("{role: pod, selectors: [{role: node, label: 'a=b'}]}"))
                .isInstanceOf(InvalidAgentConfigException.class).hasMessageContaining("pod role supports only pod");
        assertThatThrownBy(() -> config("{role: pod, bearer_token: x}")).isInstanceOf(
                InvalidAgentConfigException.class).hasMessageContaining("provide the 'api_server' URL explicitly");
        assertThatThrownBy(() -> config("{role: pod, kubeconfig_file: /k}")).isInstanceOf(
                InvalidAgentConfigException.class).hasMessageContaining("kubeconfig_file is not supported yet");
    }
}
