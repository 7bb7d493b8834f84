package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** k8s/overlays/secure: the plain manifests with TLS and authentication, equal in effect to the secure chart. */
class SecureOverlayTest {

    private static final String DIR = "k8s/overlays/secure";

    private static List<HasMetadata> kustomize() {
        assumeTrue(Command.available("kubectl"), "kubectl is not installed: skipping the kustomize render");
        Command render = Command.run(Duration.ofSeconds(60), "kubectl", "kustomize", DIR);
        assertThat(render.succeeded()).as(render.output()).isTrue();
        return KubernetesObjects.parse(render.output());
    }

    /** The chart rendered as release "basalt" (the plain manifests' name) with both security switches on. */
    private static List<HasMetadata> secureChart() {
        return KubernetesObjects.parse(new Helm(Repository.path("k8s/helm/basalt")).template().withName("basalt")
                .set("security.tls.enabled", true).set("security.tls.existingSecret", "basalt-tls")
                .set("security.auth.enabled", true).set("security.auth.existingSecret", "basalt-auth").call());
    }

    /** ConfigMap data by name without kustomize's content hash. */
    private static Map<String, String> configMap(List<HasMetadata> objects, String name) {
        return KubernetesObjects.ofKind(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().replaceFirst("-[a-z0-9]{10}$", "").equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name)).getData();
    }

    private static Stream<PodSpec> pods(List<HasMetadata> objects) {
        return Stream.concat(
                KubernetesObjects.ofKind(objects, Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                KubernetesObjects.ofKind(objects, StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()))
                .map(t -> t.getSpec());
    }

    @Test
    void overlayRendersTypedObjectsWithoutUnknownFields() {
        List<HasMetadata> objects = kustomize();

        assertThat(objects).hasSizeGreaterThan(10);
        objects.forEach(o -> assertThat(KubernetesObjects.unknownFields(o)).isEmpty());
    }

    @Test
    void everyWorkloadMountsTheSecretsAsFilesAndProbesOverHttps() {
        List<HasMetadata> objects = kustomize();
        Set<String> configMaps = KubernetesObjects.ofKind(objects, ConfigMap.class).stream()
                .map(c -> c.getMetadata().getName()).collect(Collectors.toSet());

        assertThat(pods(objects)).hasSize(5).allSatisfy(pod -> {
            Container container = pod.getContainers().get(0);
            assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath)
                    .contains("/etc/basalt/tls", "/etc/basalt/secrets", "/etc/basalt/security.yml");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                    .extracting(v -> v.getSecret().getSecretName() + ":" + v.getSecret().getDefaultMode())
                    .containsExactlyInAnyOrder("basalt-tls:288", "basalt-auth:288");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null)
                    .allSatisfy(v -> assertThat(configMaps).contains(v.getConfigMap().getName()));
            assertThat(Stream.of(container.getStartupProbe(), container.getLivenessProbe(),
                    container.getReadinessProbe())).allSatisfy(p -> assertThat(p.getHttpGet().getScheme())
                            .isEqualTo("HTTPS"));
        });
    }

    @Test
    void tiersCallEachOtherOverHttpsAndInsertAndSelectLogInToStorageWithAFile() {
        List<HasMetadata> objects = kustomize();

        for (String tier : List.of("insert", "select")) {
            assertThat(configMap(objects, "basalt-storage-nodes").get(tier + ".txt"))
                    .contains("https://basalt-storage-1.basalt-storage-headless:8482\n").doesNotContain("http:");
            assertThat(configMap(objects, "basalt-" + tier))
                    .containsEntry("BASALT_SECURITY_CLIENT_USERNAME", tier)
                    .containsEntry("BASALT_SECURITY_CLIENT_PASSWORDFILE", "/etc/basalt/secrets/" + tier + "_password");
        }
        assertThat(configMap(objects, "basalt-agent"))
                .containsEntry("SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_INSERT_0_URI", "https://basalt-insert:8480");
        for (String tier : List.of("storage", "insert", "select", "agent")) {
            assertThat(configMap(objects, "basalt-" + tier))
                    .containsEntry("SPRING_CONFIG_ADDITIONALLOCATION", "file:/etc/basalt/security.yml")
                    // the base's tuning survives the merge
                    .containsKey("SERVER_PORT");
        }
    }

    @Test
    void noSecretValueAppearsInAnyConfigMap() {
        for (ConfigMap map : KubernetesObjects.ofKind(kustomize(), ConfigMap.class)) {
            assertThat(SecretReferences.inlined(map.getData(), "/etc/basalt/")).isEmpty();
            map.getData().forEach((key, value) -> {
                if (key.endsWith(".yml")) {
                    assertThat(SecretReferences.inlined(Yaml.load(value), "/etc/basalt/"))
                            .as(map.getMetadata().getName() + " " + key).isEmpty();
                }
            });
        }
    }

    @Test
    void securityAndAgentConfigurationEqualTheSecureChart() {
        List<HasMetadata> plain = kustomize();
        List<HasMetadata> chart = secureChart();

        // the chart's storage file has no client user, which the overlay's shared file leaves to the .env files
        assertThat(Yaml.load(configMap(plain, "basalt-security").get("security.yml")))
                .isEqualTo(Yaml.load(configMap(chart, "basalt-storage").get("security.yml")));
        assertThat(Yaml.load(configMap(plain, "basalt-agent").get("agent.yml")))
                .isEqualTo(Yaml.load(configMap(chart, "basalt-agent").get("agent.yml")));
    }
}
