package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The storage NetworkPolicy: storage's port serves the cross-tenant internal API and snapshots, open while
 * authentication is off, so only insert, select and the self-monitoring agent may connect. Checked by matching the
 * policy's selectors against the pod labels the chart renders, as the cluster would.
 */
class HelmNetworkPolicyTest {

    private static final Path CHART = Repository.path("k8s/helm/basalt");

    private static List<HasMetadata> render(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName("prod").withNamespace("metrics");
        values.forEach(template::set);
        return KubernetesObjects.parse(template.call());
    }

    /** Pod template labels by workload name. */
    private static Map<String, Map<String, String>> podLabels(List<HasMetadata> objects) {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        KubernetesObjects.ofKind(objects, Deployment.class)
                .forEach(d -> templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        KubernetesObjects.ofKind(objects, StatefulSet.class)
                .forEach(s -> templates.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        templates.forEach((name, t) -> labels.put(name, t.getMetadata().getLabels()));
        return labels;
    }

    /** matchLabels only: the chart uses nothing else, and an expression here would make this check wrong. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static Set<String> selected(LabelSelector selector, Map<String, Map<String, String>> pods) {
        return pods.entrySet().stream().filter(e -> selects(selector, e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Workloads of this release admitted by the rule's peers (pod selectors without a namespace selector). */
    private static Set<String> admitted(NetworkPolicyIngressRule rule, Map<String, Map<String, String>> pods) {
        return rule.getFrom().stream().filter(p -> p.getNamespaceSelector() == null && p.getIpBlock() == null)
                .flatMap(p -> selected(p.getPodSelector(), pods).stream()).collect(Collectors.toSet());
    }

    private static NetworkPolicy storagePolicy(List<HasMetadata> objects) {
        return KubernetesObjects.named(objects, NetworkPolicy.class, "prod-storage").orElseThrow();
    }

    @Test
    void byDefaultOnlyInsertSelectAndTheAgentReachStoragesPort() {
        List<HasMetadata> objects = render(Map.of());
        NetworkPolicy policy = storagePolicy(objects);
        Map<String, Map<String, String>> pods = podLabels(objects);

        assertThat(KubernetesObjects.unknownFields(policy)).isEmpty();
        assertThat(pods.keySet()).contains("prod-storage", "prod-insert", "prod-select", "prod-agent");
        assertThat(selected(policy.getSpec().getPodSelector(), pods)).containsExactly("prod-storage");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(admitted(rule, pods)).containsExactlyInAnyOrder("prod-insert", "prod-repair", "prod-select",
                    "prod-agent");
            assertThat(rule.getFrom()).allSatisfy(p -> assertThat(p.getNamespaceSelector()).isNull());
            assertThat(rule.getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getPort().getStrVal()).isEqualTo("http");
                assertThat(port.getProtocol()).isEqualTo("TCP");
            });
        });
        // the named port is storage's container port
        StatefulSet storage = KubernetesObjects.named(objects, StatefulSet.class, "prod-storage").orElseThrow();
        assertThat(storage.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));
    }

    @Test
    void anotherReleaseInTheSameNamespaceIsNotAdmitted() {
        NetworkPolicy policy = storagePolicy(render(Map.of()));
        Map<String, String> otherInsert = Map.of("app.kubernetes.io/name", "basalt", "app.kubernetes.io/instance",
                "staging", "app.kubernetes.io/component", "insert");

        assertThat(policy.getSpec().getIngress().get(0).getFrom())
                .noneSatisfy(p -> assertThat(selects(p.getPodSelector(), otherInsert)).isTrue());
    }

    @Test
    void withoutSelfMonitoringTheAgentIsNotAdmitted() {
        for (Map<String, Object> values : List.<Map<String, Object>>of(Map.of("agent.selfMonitoring", false),
                Map.of("agent.enabled", false))) {
            List<HasMetadata> objects = render(values);
            Map<String, Map<String, String>> pods = podLabels(objects);
            pods.put("prod-agent", Map.of("app.kubernetes.io/name", "basalt", "app.kubernetes.io/instance", "prod",
                    "app.kubernetes.io/component", "agent"));

            assertThat(admitted(storagePolicy(objects).getSpec().getIngress().get(0), pods)).as("%s", values)
                    .containsExactlyInAnyOrder("prod-insert", "prod-repair", "prod-select");
        }
    }

    @Test
    void extraPeersAreAddedAndThePolicyCanBeTurnedOff() {
        NetworkPolicy policy = storagePolicy(render(Map.of(
                "networkPolicy.extraStorageIngressFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
                "monitoring")));
        List<NetworkPolicyPeer> peers = policy.getSpec().getIngress().get(0).getFrom();
        assertThat(peers).hasSize(5);
        assertThat(peers.get(4).getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "monitoring");
        assertThat(KubernetesObjects.unknownFields(policy)).isEmpty();

        assertThat(KubernetesObjects.ofKind(render(Map.of("networkPolicy.enabled", false)), NetworkPolicy.class))
                .isEmpty();
    }
}
