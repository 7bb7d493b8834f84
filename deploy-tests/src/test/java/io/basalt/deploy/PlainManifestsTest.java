package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PlainManifestsTest {

    private static final String DIR = "k8s/manifests";

    private static List<HasMetadata> kustomize() {
        assumeTrue(Command.available("kubectl"), "kubectl is not installed: skipping the kustomize render");
        Command render = Command.run(Duration.ofSeconds(60), "kubectl", "kustomize", DIR);
        assertThat(render.succeeded()).as(render.output()).isTrue();
        return KubernetesObjects.parse(render.output());
    }

    private static Stream<PodSpec> podSpecs(List<HasMetadata> objects) {
        return Stream.concat(
                KubernetesObjects.ofKind(objects, Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                KubernetesObjects.ofKind(objects, StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()))
                .map(t -> t.getSpec());
    }

    @Test
    void everyListedResourceFileParsesWithoutUnknownFields() {
        List<Object> resources = Yaml.list(Yaml.file(DIR + "/kustomization.yaml"), "resources");

        assertThat(resources).isNotEmpty();
        for (Object file : resources) {
            List<HasMetadata> objects = KubernetesObjects.parse(Repository.read(DIR + "/" + file));
            assertThat(objects).as(file.toString()).isNotEmpty();
            objects.forEach(o -> assertThat(KubernetesObjects.unknownFields(o)).as(file.toString()).isEmpty());
        }
    }

    @Test
    void kustomizeRendersObjectsWhoseConfigMapReferencesResolve() {
        List<HasMetadata> objects = kustomize();
        Set<String> configMaps = KubernetesObjects.ofKind(objects, ConfigMap.class).stream()
                .map(c -> c.getMetadata().getName()).collect(Collectors.toSet());

        objects.forEach(o -> assertThat(KubernetesObjects.unknownFields(o)).isEmpty());
        List<String> referenced = podSpecs(objects).flatMap(spec -> Stream.concat(
                spec.getContainers().stream().flatMap(c -> c.getEnvFrom().stream())
                        .map(e -> e.getConfigMapRef().getName()),
                spec.getVolumes().stream().map(Volume::getConfigMap).filter(Objects::nonNull)
                        .map(v -> v.getName()))).toList();
        assertThat(referenced).hasSizeGreaterThanOrEqualTo(4);
        assertThat(configMaps).containsAll(referenced);
    }

    @Test
    void storageNodeListsMatchTheStatefulSet() {
        List<HasMetadata> objects = kustomize();
        StatefulSet storage = KubernetesObjects.ofKind(objects, StatefulSet.class).get(0);
        String name = storage.getMetadata().getName();
        StringBuilder expected = new StringBuilder();
        IntStream.range(0, storage.getSpec().getReplicas()).forEach(i -> expected.append("http://").append(name)
                .append('-').append(i).append('.').append(storage.getSpec().getServiceName()).append(":8482\n"));

        ConfigMap lists = KubernetesObjects.named(objects, ConfigMap.class, "basalt-storage-nodes").orElseThrow();
        assertThat(lists.getData()).containsEntry("insert.txt", expected.toString())
                .containsEntry("select.txt", expected.toString());
        for (String tier : List.of("insert", "select")) {
            ConfigMap env = KubernetesObjects.ofKind(objects, ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getName().startsWith("basalt-" + tier + "-")).findFirst().orElseThrow();
            assertThat(env.getData()).as(tier).containsEntry("BASALT_" + tier.toUpperCase() + "_STORAGENODESFILE",
                    "/etc/basalt/storage-nodes/" + tier + ".txt");
            assertThat(env.getData().keySet()).as(tier).noneMatch(k -> k.contains("_INSTANCES_STORAGE_"));
        }
        for (String reader : List.of("basalt-insert", "basalt-repair", "basalt-select")) {
            Deployment d = KubernetesObjects.named(objects, Deployment.class, reader).orElseThrow();
            assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).as(reader + " mounts the node lists")
                    .anySatisfy(v -> assertThat(v.getConfigMap() == null ? null : v.getConfigMap().getName())
                            .isEqualTo("basalt-storage-nodes"));
        }
    }

    @Test
    void onlyTheRepairPodRebalances() {
        List<HasMetadata> objects = kustomize();
        Map<String, Map<String, String>> env = new TreeMap<>();
        for (String tier : List.of("insert", "repair")) {
            env.put(tier, KubernetesObjects.ofKind(objects, ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getName().startsWith("basalt-" + tier + "-")).findFirst().orElseThrow()
                    .getData());
        }

        assertThat(env.get("repair")).containsEntry("BASALT_INSERT_REBALANCE_ENABLED", "true")
                .containsEntry("BASALT_INSERT_REPAIR_ENABLED", "true");
        assertThat(env.get("insert")).doesNotContainKey("BASALT_INSERT_REBALANCE_ENABLED");
    }

    @Test
    void plainManifestsDeclareTheSameObjectsAsTheChart() {
        List<HasMetadata> chart = KubernetesObjects.parse(
                new Helm(Repository.path("k8s/helm/basalt")).template().withName("basalt").call());
        List<HasMetadata> plain = kustomize();

        assertThat(kindsAndNames(plain)).isEqualTo(kindsAndNames(chart));
    }

    @Test
    void storageAdmitsOnlyInsertSelectAndTheAgent() {
        List<HasMetadata> objects = KubernetesObjects.parse(Repository.read(DIR + "/networkpolicy.yaml"));
        NetworkPolicy policy = KubernetesObjects.named(objects, NetworkPolicy.class, "basalt-storage").orElseThrow();
        Map<String, Map<String, String>> pods = new TreeMap<>();
        for (String file : List.of("storage.yaml", "insert.yaml", "repair.yaml", "select.yaml", "agent.yaml")) {
            List<HasMetadata> workloads = KubernetesObjects.parse(Repository.read(DIR + "/" + file));
            KubernetesObjects.ofKind(workloads, Deployment.class).forEach(d -> pods.put(d.getMetadata().getName(),
                    d.getSpec().getTemplate().getMetadata().getLabels()));
            KubernetesObjects.ofKind(workloads, StatefulSet.class).forEach(s -> pods.put(s.getMetadata().getName(),
                    s.getSpec().getTemplate().getMetadata().getLabels()));
        }

        assertThat(pods).hasSize(5);
        assertThat(selected(policy.getSpec().getPodSelector().getMatchLabels(), pods)).containsExactly("basalt-storage");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom().stream().flatMap(p -> selected(p.getPodSelector().getMatchLabels(), pods)
                    .stream()).toList()).containsExactlyInAnyOrder("basalt-insert", "basalt-repair", "basalt-select",
                            "basalt-agent");
            assertThat(rule.getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
        });
    }

    private static List<String> selected(Map<String, String> matchLabels, Map<String, Map<String, String>> pods) {
        return pods.entrySet().stream().filter(e -> e.getValue().entrySet().containsAll(matchLabels.entrySet()))
                .map(Map.Entry::getKey).toList();
    }

    /** Generated ConfigMaps carry a content hash suffix that the chart's do not. */
    private static Set<String> kindsAndNames(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + "/" + (o instanceof ConfigMap
                        ? o.getMetadata().getName().replaceFirst("-[a-z0-9]{10}$", "") : o.getMetadata().getName()))
                .collect(Collectors.toSet());
    }
}
