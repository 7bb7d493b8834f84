package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kubernetes_sd_configs, role by role, against a fake API server serving recorded list answers (and watches that stay
 * open): the targets and their {@code __meta_kubernetes_*} labels, and what is asked of the API server.
 */
class KubernetesSdTest {

    /** No resync during a test, quick reconnects. */
    static final ResourceWatch.Timing TEST_TIMING = new ResourceWatch.Timing(Duration.ofHours(1),
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30));

    private FakeKubernetesApi api;

    private final List<KubernetesSd> running = new ArrayList<>();

    @BeforeEach
    void fakeApiServer() throws Exception {
        api = new FakeKubernetesApi()
                .list("/api/v1/nodes", "nodes.json")
                .list("/api/v1/namespaces/shop/services", "services-shop.json")
                .list("/api/v1/services", "services-shop.json")
                .list("/api/v1/pods", "pods-shop.json")
                .list("/api/v1/namespaces/shop/pods", "pods-shop.json")
                .list("/api/v1/namespaces/shop/endpoints", "endpoints-shop.json")
                .list("/apis/discovery.k8s.io/v1/endpointslices", "endpointslices-shop.json")
                .list("/apis/networking.k8s.io/v1/namespaces/shop/ingresses", "ingresses-shop.json");
    }

    @AfterEach
    void stop() {
        running.forEach(KubernetesSd::close);
        api.close();
    }

    static KubernetesSdConfig config(String entry) {
        return (KubernetesSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: k8s
                    kubernetes_sd_configs: [%s]
                """.formatted(entry), null).scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    private List<TargetGroup> discover(String entry) {
        KubernetesSd sd = new KubernetesSd("test", config("{api_server: '" + api.baseUrl() + "', bearer_token: t0ken, "
                + entry + "}"), ok -> { }, Map.of(), Path.of("/nonexistent"), TEST_TIMING);
        running.add(sd);
        assertThat(sd.refresh(0)).as("first refresh finds targets").isTrue();
        return sd.groups();
    }

    private static Map<String, Labels> byAddress(List<TargetGroup> groups) {
        return groups.stream().collect(Collectors.toMap(g -> g.targets().get(0), TargetGroup::labels));
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
        assertThat(api.requests("/api/v1/nodes", false)).singleElement().satisfies(r -> {
            assertThat(r.query()).isEqualTo("limit=500");
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
                "__meta_kubernetes_service_labelpresent_app", "true",
                "__meta_kubernetes_service_annotation_prometheus_io_scrape", "true",
                "__meta_kubernetes_service_annotationpresent_prometheus_io_scrape", "true",
                "__meta_kubernetes_service_port_name", "metrics", "__meta_kubernetes_service_port_number", "9100",
                "__meta_kubernetes_service_port_protocol", "TCP"));
        assertThat(api.requests("/api/v1/namespaces/shop/services", false)).singleElement()
                .extracting(FakeKubernetesApi.Request::query)
                .isEqualTo("labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dweb&limit=500");
    }

    @Test
    void podsGiveATargetPerDeclaredPortAndOnePerContainerWithoutPorts() {
        List<TargetGroup> groups = discover("role: pod");

        assertThat(groups).extracting(g -> g.targets().get(0)).containsExactly("10.244.1.5:8000", "10.244.1.5:8080",
                "10.244.1.5:6060", "10.244.1.5");
        Labels app = groups.get(1).labels();
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
        assertThat(app.get("__meta_kubernetes_pod_host_ip")).isEqualTo("10.0.0.1");
        assertThat(app.get("__meta_kubernetes_pod_uid")).isEqualTo("u-1");
        assertThat(app.get("__meta_kubernetes_pod_controller_kind")).isEqualTo("ReplicaSet");
        assertThat(app.get("__meta_kubernetes_pod_controller_name")).isEqualTo("web-7d4");
        assertThat(groups.get(3).labels().get("__meta_kubernetes_pod_container_name")).isEqualTo("sidecar");
    }

    @Test
    void endpointsCarryTheirServiceAndPodLabelsAndUncoveredPodPortsAreAdded() {
        List<TargetGroup> groups = discover("role: endpoints, namespaces: {names: [shop]}");
        Map<String, Labels> targets = byAddress(groups);

        assertThat(targets.keySet()).containsExactlyInAnyOrder("10.244.1.5:8000", "10.244.1.5:8080",
                "10.244.2.7:8000", "10.244.2.7:8080", "10.244.1.5:6060");
        assertThat(targets.get("10.244.1.5:8080")).isEqualTo(Labels.fromMap(Map.ofEntries(
                Map.entry("__meta_kubernetes_namespace", "shop"),
                Map.entry("__meta_kubernetes_endpoints_name", "web"),
                Map.entry("__meta_kubernetes_endpoints_label_app", "web"),
                Map.entry("__meta_kubernetes_endpoints_labelpresent_app", "true"),
                Map.entry("__meta_kubernetes_endpoints_annotation_endpoints_kubernetes_io_last_change_trigger_time",
                        "2026-11-30T08:06:30Z"),
                Map.entry("__meta_kubernetes_endpoints_annotationpresent_endpoints_kubernetes_io_last_change_"
                        + "trigger_time", "true"),
                Map.entry("__meta_kubernetes_service_name", "web"),
                Map.entry("__meta_kubernetes_service_label_app", "web"),
                Map.entry("__meta_kubernetes_service_labelpresent_app", "true"),
                Map.entry("__meta_kubernetes_service_annotation_prometheus_io_scrape", "true"),
                Map.entry("__meta_kubernetes_service_annotationpresent_prometheus_io_scrape", "true"),
                Map.entry("__meta_kubernetes_endpoint_port_name", "metrics"),
                Map.entry("__meta_kubernetes_endpoint_port_protocol", "TCP"),
                Map.entry("__meta_kubernetes_endpoint_ready", "true"),
                Map.entry("__meta_kubernetes_endpoint_node_name", "node-1"),
                Map.entry("__meta_kubernetes_endpoint_address_target_kind", "Pod"),
                Map.entry("__meta_kubernetes_endpoint_address_target_name", "web-7d4b9"),
                Map.entry("__meta_kubernetes_pod_name", "web-7d4b9"),
                Map.entry("__meta_kubernetes_pod_ip", "10.244.1.5"),
                Map.entry("__meta_kubernetes_pod_ready", "true"),
                Map.entry("__meta_kubernetes_pod_phase", "Running"),
                Map.entry("__meta_kubernetes_pod_node_name", "node-1"),
                Map.entry("__meta_kubernetes_pod_host_ip", "10.0.0.1"),
                Map.entry("__meta_kubernetes_pod_uid", "u-1"),
                Map.entry("__meta_kubernetes_pod_label_app_kubernetes_io_name", "web"),
                Map.entry("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name", "true"),
                Map.entry("__meta_kubernetes_pod_controller_kind", "ReplicaSet"),
                Map.entry("__meta_kubernetes_pod_controller_name", "web-7d4"),
                Map.entry("__meta_kubernetes_pod_container_name", "app"),
                Map.entry("__meta_kubernetes_pod_container_image", "shop/web:1.2"),
                Map.entry("__meta_kubernetes_pod_container_port_name", "metrics"),
                Map.entry("__meta_kubernetes_pod_container_port_number", "8080"),
                Map.entry("__meta_kubernetes_pod_container_port_protocol", "TCP"))));
        // Not ready, and its pod is not known: endpoint labels only.
        Labels notReady = targets.get("10.244.2.7:8000");
        assertThat(notReady.get("__meta_kubernetes_endpoint_ready")).isEqualTo("false");
        assertThat(notReady.get("__meta_kubernetes_endpoint_hostname")).isEqualTo("web-old");
        assertThat(notReady.get("__meta_kubernetes_pod_name")).isEmpty();
        // The pod's debug port is behind no endpoint port: a target of its own, with the pod's labels.
        Labels debug = targets.get("10.244.1.5:6060");
        assertThat(debug.get("__meta_kubernetes_pod_container_port_name")).isEqualTo("debug");
        assertThat(debug.get("__meta_kubernetes_pod_name")).isEqualTo("web-7d4b9");
        assertThat(debug.get("__meta_kubernetes_endpoint_port_name")).isEmpty();
        assertThat(debug.get("__meta_kubernetes_endpoints_name")).isEqualTo("web");
        // The endpoints role also watches services and pods, in the same namespaces.
        assertThat(api.requests().stream().filter(r -> !r.watch()).map(FakeKubernetesApi.Request::path))
                .containsExactlyInAnyOrder("/api/v1/namespaces/shop/endpoints", "/api/v1/namespaces/shop/services",
                        "/api/v1/namespaces/shop/pods");
    }

    @Test
    void endpointSlicesCarryConditionsZoneAndTheirServiceAndPodLabels() {
        List<TargetGroup> groups = discover("role: endpointslice");
        Map<String, Labels> targets = byAddress(groups);

        assertThat(targets.keySet()).containsExactlyInAnyOrder("10.244.1.5:8080", "10.244.1.5:8000",
                "10.244.1.5:6060");
        Labels t = targets.get("10.244.1.5:8080");
        assertThat(t.get("__meta_kubernetes_namespace")).isEqualTo("shop");
        assertThat(t.get("__meta_kubernetes_endpointslice_name")).isEqualTo("web-x7k2p");
        assertThat(t.get("__meta_kubernetes_endpointslice_address_type")).isEqualTo("IPv4");
        assertThat(t.get("__meta_kubernetes_endpointslice_label_kubernetes_io_service_name")).isEqualTo("web");
        assertThat(t.get("__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name"))
                .isEqualTo("true");
        assertThat(t.get("__meta_kubernetes_endpointslice_port")).isEqualTo("8080");
        assertThat(t.get("__meta_kubernetes_endpointslice_port_name")).isEqualTo("metrics");
        assertThat(t.get("__meta_kubernetes_endpointslice_port_protocol")).isEqualTo("TCP");
        assertThat(t.get("__meta_kubernetes_endpointslice_port_app_protocol")).isEqualTo("http");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_conditions_ready")).isEqualTo("true");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_conditions_serving")).isEqualTo("true");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_conditions_terminating")).isEqualTo("false");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_node_name")).isEqualTo("node-1");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_zone")).isEqualTo("eu-west-1a");
        assertThat(t.get("__meta_kubernetes_endpointslice_endpoint_hostname")).isEmpty();
        assertThat(t.get("__meta_kubernetes_endpointslice_address_target_kind")).isEqualTo("Pod");
        assertThat(t.get("__meta_kubernetes_endpointslice_address_target_name")).isEqualTo("web-7d4b9");
        assertThat(t.get("__meta_kubernetes_service_name")).isEqualTo("web");
        assertThat(t.get("__meta_kubernetes_service_label_app")).isEqualTo("web");
        assertThat(t.get("__meta_kubernetes_pod_name")).isEqualTo("web-7d4b9");
        assertThat(t.get("__meta_kubernetes_pod_container_name")).isEqualTo("app");
        assertThat(t.get("__meta_kubernetes_pod_container_port_name")).isEqualTo("metrics");
        assertThat(t.get("__meta_kubernetes_pod_container_init")).isEqualTo("false");
        assertThat(targets.get("10.244.1.5:8000").get("__meta_kubernetes_endpointslice_port")).isEmpty();
        assertThat(api.requests().stream().filter(r -> !r.watch()).map(FakeKubernetesApi.Request::path))
                .containsExactlyInAnyOrder("/apis/discovery.k8s.io/v1/endpointslices", "/api/v1/services",
                        "/api/v1/pods");
    }

    @Test
    void ingressesGiveATargetPerRuleAndPathWithTheirScheme() {
        List<TargetGroup> groups = discover("role: ingress, namespaces: {names: [shop]}");

        assertThat(groups).extracting(g -> g.targets().get(0) + " " + g.labels().get(
                "__meta_kubernetes_ingress_scheme") + " " + g.labels().get("__meta_kubernetes_ingress_path"))
                .containsExactly("www.shop.example https /", "www.shop.example https /api", "status.example http /");
        Labels first = groups.get(0).labels();
        assertThat(first.get("__meta_kubernetes_namespace")).isEqualTo("shop");
        assertThat(first.get("__meta_kubernetes_ingress_name")).isEqualTo("shop");
        assertThat(first.get("__meta_kubernetes_ingress_class_name")).isEqualTo("nginx");
        assertThat(first.get("__meta_kubernetes_ingress_host")).isEqualTo("www.shop.example");
        assertThat(first.get("__meta_kubernetes_ingress_label_team")).isEqualTo("web");
        assertThat(first.get("__meta_kubernetes_ingress_labelpresent_team")).isEqualTo("true");
    }

    @Test
    void eachWatchedResourceGetsItsOwnSelectorInEveryNamespace() {
        api.list("/api/v1/namespaces/ops/endpoints", "endpoints-shop.json")
                .list("/api/v1/namespaces/ops/services", "services-shop.json")
                .list("/api/v1/namespaces/ops/pods", "pods-shop.json");
        discover("role: endpoints, namespaces: {names: [shop, ops]}, selectors: ["
                + "{role: endpoints, label: 'app=web'}, {role: pod, field: 'status.phase=Running'}]");

        Set<String> lists = api.requests().stream().filter(r -> !r.watch())
                .map(r -> r.path() + (r.query() == null ? "" : "?" + r.query())).collect(Collectors.toSet());
        assertThat(lists).containsExactlyInAnyOrder(
                "/api/v1/namespaces/shop/endpoints?labelSelector=app%3Dweb&limit=500",
                "/api/v1/namespaces/ops/endpoints?labelSelector=app%3Dweb&limit=500",
                "/api/v1/namespaces/shop/pods?fieldSelector=status.phase%3DRunning&limit=500",
                "/api/v1/namespaces/ops/pods?fieldSelector=status.phase%3DRunning&limit=500",
                "/api/v1/namespaces/shop/services?limit=500",
                "/api/v1/namespaces/ops/services?limit=500");
    }
}
