package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HelmChartTest {

    private static final Path CHART = Repository.path("k8s/helm/basalt");

    private static List<HasMetadata> render(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName("prod").withNamespace("metrics");
        values.forEach(template::set);
        return KubernetesObjects.parse(template.call());
    }

    private static Map<String, String> configOf(List<HasMetadata> objects, String name) {
        return KubernetesObjects.named(objects, ConfigMap.class, name).orElseThrow().getData();
    }

    @Test
    void chartPassesStrictLint() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void everyRenderedObjectIsATypedKubernetesObjectWithoutUnknownFields() {
        for (Map<String, Object> values : List.of(Map.<String, Object>of(),
                Map.<String, Object>of("storage.replicas", 5, "agent.enabled", false,
                        "storage.persistence.storageClassName", "fast-ssd", "image.registry", "registry.local/"))) {
            List<HasMetadata> objects = render(values);

            assertThat(objects).isNotEmpty();
            for (HasMetadata object : objects) {
                assertThat(KubernetesObjects.unknownFields(object)).as("unknown fields with %s", values).isEmpty();
            }
        }
    }

    @Test
    void storageIsAStatefulSetWithClaimsBehindAHeadlessService() {
        List<HasMetadata> objects = render(Map.of("storage.replicas", 3, "storage.persistence.size", "200Gi"));

        StatefulSet storage = KubernetesObjects.named(objects, StatefulSet.class, "prod-storage").orElseThrow();
        Service headless = KubernetesObjects.named(objects, Service.class, "prod-storage-headless").orElseThrow();
        assertThat(storage.getSpec().getReplicas()).isEqualTo(3);
        assertThat(storage.getSpec().getServiceName()).isEqualTo("prod-storage-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getSelector()).isEqualTo(storage.getSpec().getSelector().getMatchLabels());
        assertThat(storage.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("200Gi");
        });
        assertThat(storage.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/vmstorage-data"));
    }

    @Test
    void insertKeepsCopiesOwedToStorageNodesInItsHintVolume() {
        List<HasMetadata> objects = render(Map.of("insert.minWriteCopies", 2));

        Map<String, String> config = configOf(objects, "prod-insert");
        assertThat(config).containsEntry("BASALT_INSERT_HINTPATH", "/insert-hints")
            .containsEntry("BASALT_INSERT_MINWRITECOPIES", "2");
        Deployment insert = KubernetesObjects.named(objects, Deployment.class, "prod-insert").orElseThrow();
        assertThat(insert.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/insert-hints"));
        assertThat(insert.getSpec().getTemplate().getSpec().getVolumes())
            .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(configOf(render(Map.of()), "prod-insert")).as("the default: half the copies, rounded up")
            .doesNotContainKey("BASALT_INSERT_MINWRITECOPIES");
    }

    @Test
    void exactlyOnePodRunsTheRepairerWithTheInsertConfigurationAndCanBeTurnedOff() {
        List<HasMetadata> objects = render(Map.of("repair.interval", "30m", "insert.replicationFactor", 3));

        Deployment repair = KubernetesObjects.named(objects, Deployment.class, "prod-repair").orElseThrow();
        assertThat(repair.getSpec().getReplicas()).isEqualTo(1);
        assertThat(repair.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .startsWith("basalt/insert-service:");
        assertThat(repair.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .as("the repairer reads the same node list as insert")
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/basalt/storage-nodes"));
        assertThat(configOf(objects, "prod-repair")).containsEntry("BASALT_INSERT_REPAIR_ENABLED", "true")
                .containsEntry("BASALT_INSERT_REPAIR_INTERVAL", "30m")
                .containsEntry("BASALT_INSERT_REPLICATIONFACTOR", "3")
                .containsEntry("BASALT_INSERT_STORAGENODESFILE", "/etc/basalt/storage-nodes/insert.txt");
        assertThat(configOf(objects, "prod-insert")).doesNotContainKey("BASALT_INSERT_REPAIR_ENABLED");
        assertThat(KubernetesObjects.named(render(Map.of("repair.enabled", false)), Deployment.class, "prod-repair"))
                .isEmpty();
    }

    @Test
    void insertAndSelectReadTheirNodeListsFromAConfigMapThatAddsAndDrainsNodesWithoutARestart() {
        List<HasMetadata> objects = render(Map.of("storage.replicas", 3));
        for (String tier : List.of("insert", "select")) {
            assertThat(configOf(objects, "prod-" + tier)).containsEntry(
                    "BASALT_" + tier.toUpperCase() + "_STORAGENODESFILE", "/etc/basalt/storage-nodes/" + tier + ".txt");
            Deployment d = KubernetesObjects.named(objects, Deployment.class, "prod-" + tier).orElseThrow();
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/basalt/storage-nodes"));
            assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getConfigMap() == null ? null : v.getConfigMap().getName())
                    .isEqualTo("prod-storage-nodes"));
        }
        assertThat(configOf(objects, "prod-storage-nodes").get("insert.txt")).contains(
                "\nhttp://prod-storage-0.prod-storage-headless:8482\n",
                "\nhttp://prod-storage-2.prod-storage-headless:8482\n").doesNotContain("storage-3", "draining");
        assertThat(configOf(objects, "prod-repair")).as("the one rebalancer runs with the repairer")
            .containsEntry("BASALT_INSERT_REBALANCE_ENABLED", "true")
            .containsEntry("BASALT_INSERT_REBALANCE_SETTLE", "10m");
        assertThat(configOf(objects, "prod-insert")).doesNotContainKey("BASALT_INSERT_REBALANCE_ENABLED");
        assertThat(configOf(render(Map.of("repair.enabled", false)), "prod-insert")).as("no repair pod")
            .containsEntry("BASALT_INSERT_REBALANCE_ENABLED", "true");

        // Adding storage-3 (ordinal 2): select first, insert still on two nodes.
        Map<String, String> adding = configOf(render(Map.of("storage.replicas", 3, "storage.nodeLists.select", 3,
                "storage.nodeLists.insert", 2)), "prod-storage-nodes");
        assertThat(adding.get("select.txt")).contains("prod-storage-2");
        assertThat(adding.get("insert.txt")).doesNotContain("prod-storage-2");
        // Removing it: draining first.
        Map<String, String> draining = configOf(render(Map.of("storage.replicas", 3, "storage.nodeLists.draining[0]",
                2)), "prod-storage-nodes");
        assertThat(draining.get("insert.txt")).contains("prod-storage-2.prod-storage-headless:8482 draining\n")
            .doesNotContain("prod-storage-1.prod-storage-headless:8482 draining");
    }

    @Test
    void everyTuningValueReachesItsTier() {
        List<HasMetadata> objects = render(Map.ofEntries(
                Map.entry("insert.replicationFactor", 3), Map.entry("insert.maxConcurrentInserts", 7),
                Map.entry("insert.maxInsertRequestSize", 8388608), Map.entry("insert.maxRowsPerBlock", 1234),
                Map.entry("storage.retentionPeriod", "90d"), Map.entry("storage.maxConcurrentInserts", 5),
                Map.entry("storage.maxConcurrentSelects", 6), Map.entry("storage.minFreeDiskSpaceBytes", 5000000000L),
                Map.entry("storage.dedupMinScrapeInterval", "15s"), Map.entry("select.replicationFactor", 3),
                Map.entry("select.maxConcurrentSelects", 9), Map.entry("select.maxQueryDuration", "45s"),
                Map.entry("select.maxQueryLen", 4096), Map.entry("select.denyPartialResponse", true)));

        assertThat(configOf(objects, "prod-insert")).containsEntry("BASALT_INSERT_REPLICATIONFACTOR", "3")
                .containsEntry("BASALT_INSERT_MAXCONCURRENTINSERTS", "7")
                .containsEntry("BASALT_INSERT_MAXINSERTREQUESTSIZE", "8388608")
                .containsEntry("BASALT_INSERT_MAXROWSPERBLOCK", "1234");
        assertThat(configOf(objects, "prod-storage")).containsEntry("BASALT_STORAGE_RETENTIONPERIOD", "90d")
                .containsEntry("BASALT_STORAGE_MAXCONCURRENTINSERTS", "5")
                .containsEntry("BASALT_STORAGE_MAXCONCURRENTSELECTS", "6")
                .containsEntry("BASALT_STORAGE_MINFREEDISKSPACEBYTES", "5000000000")
                .containsEntry("BASALT_STORAGE_DEDUPMINSCRAPEINTERVAL", "15s")
                .containsEntry("BASALT_STORAGE_DATAPATH", "/vmstorage-data");
        assertThat(configOf(objects, "prod-select")).containsEntry("BASALT_SELECT_REPLICATIONFACTOR", "3")
                .containsEntry("BASALT_SELECT_MAXCONCURRENTSELECTS", "9")
                .containsEntry("BASALT_SELECT_MAXQUERYDURATION", "45s")
                .containsEntry("BASALT_SELECT_MAXQUERYLEN", "4096")
                .containsEntry("BASALT_SELECT_DENYPARTIALRESPONSE", "true");
    }

    @Test
    void replicaCountsComeFromValues() {
        List<HasMetadata> objects = render(Map.of("insert.replicas", 4, "select.replicas", 3, "agent.replicas", 2));

        assertThat(KubernetesObjects.named(objects, Deployment.class, "prod-insert").orElseThrow().getSpec()
                .getReplicas()).isEqualTo(4);
        assertThat(KubernetesObjects.named(objects, Deployment.class, "prod-select").orElseThrow().getSpec()
                .getReplicas()).isEqualTo(3);
        assertThat(KubernetesObjects.named(objects, Deployment.class, "prod-agent").orElseThrow().getSpec()
                .getReplicas()).isEqualTo(2);
    }

    @Test
    void everyWorkloadHasProbesOnActuatorResourceRequestsAndADisruptionBudget() {
        List<HasMetadata> objects = render(Map.of());
        List<PodDisruptionBudget> budgets = KubernetesObjects.ofKind(objects, PodDisruptionBudget.class);
        Stream<Map.Entry<Map<String, String>, PodTemplateSpec>> workloads = Stream.concat(
                KubernetesObjects.ofKind(objects, Deployment.class).stream()
                        .map(d -> Map.entry(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate())),
                KubernetesObjects.ofKind(objects, StatefulSet.class).stream()
                        .map(s -> Map.entry(s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate())));

        assertThat(workloads).hasSize(5).allSatisfy(workload -> {
            Container container = workload.getValue().getSpec().getContainers().get(0);
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getEnvFrom()).singleElement()
                    .satisfies(from -> assertThat(from.getConfigMapRef().getName()).isNotBlank());
            assertThat(budgets).anySatisfy(pdb -> assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(workload.getKey()));
        });
    }

    @Test
    void agentConfigIsPrometheusYamlThatWritesToTheInsertTierAndScrapesTheCluster() {
        List<HasMetadata> objects = render(Map.of("storage.replicas", 2));
        ConfigMap agent = KubernetesObjects.named(objects, ConfigMap.class, "prod-agent").orElseThrow();

        Map<String, Object> config = Serialization.unmarshal(agent.getData().get("agent.yml"), Map.class);

        assertThat(agent.getData()).containsEntry("SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_INSERT_0_URI",
                "http://prod-insert:8480");
        assertThat(config.get("remote_write").toString())
                .contains("url=http://insert/insert/0/prometheus/api/v1/write");
        assertThat(config.get("scrape_configs").toString()).contains("job_name=basalt")
                .contains("prod-storage-1.prod-storage-headless:8482").contains("prod-select:8481");
    }

    @Test
    void changingATuningValueRollsThePods() {
        String before = KubernetesObjects.named(render(Map.of()), Deployment.class, "prod-select").orElseThrow()
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
        String after = KubernetesObjects.named(render(Map.of("select.maxQueryLen", 100)), Deployment.class,
                "prod-select").orElseThrow().getSpec().getTemplate().getMetadata().getAnnotations()
                .get("checksum/config");

        assertThat(after).isNotEqualTo(before);
    }
}
