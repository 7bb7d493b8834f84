package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComposeFileTest {

    /** Every service of the product and the port it serves inside the compose network. */
    static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("mock-exporter", 2112);
        SERVICES.put("prometheus-writer", 9090);
        SERVICES.put("prometheus-receiver", 9091);
        SERVICES.put("grafana", 3000);
        SERVICES.put("vmagent-us-east-1", 8429);
        SERVICES.put("vmagent-eu-west-1", 8429);
        SERVICES.put("vmagent-ap-southeast-1", 8429);
        SERVICES.put("vmagent-sa-east-1", 8429);
        SERVICES.put("vminsert-1", 8480);
        SERVICES.put("vminsert-2", 8480);
        SERVICES.put("vmstorage-1", 8482);
        SERVICES.put("vmstorage-2", 8482);
        SERVICES.put("vmstorage-3", 8482);
        SERVICES.put("vmselect-1", 8481);
        SERVICES.put("vmselect-2", 8481);
        SERVICES.put("grafana-vm", 3000);
    }

    static final Set<String> GRAFANAS = Set.of("grafana", "grafana-vm");

    /** Started only under its compose profile, so no scrape configuration names it (it would show as down). */
    static final String OPTIONAL_STORAGE = "vmstorage-3";

    private static final Map<String, Object> COMPOSE = Yaml.file("docker-compose.yml");

    private static Map<String, Object> service(String name) {
        return Yaml.map(Yaml.map(COMPOSE, "services"), name);
    }

    @Test
    void fileUsesOnlyKeysThatComposeV1AndV2BothAccept() {
        assertThat(COMPOSE.keySet()).doesNotContain("version", "name", "include")
                .allSatisfy(key -> assertThat(key).matches("services|networks|volumes|configs|secrets|x-.+"));
        for (String name : Yaml.map(COMPOSE, "services").keySet()) {
            assertThat(Yaml.map(service(name), "healthcheck")).doesNotContainKey("start_interval");
            Yaml.map(service(name), "depends_on").values().forEach(dependency ->
                    assertThat(Yaml.asMap(dependency)).doesNotContainKey("restart"));
        }
    }

    @Test
    void everyServiceOfTheProductIsThereAndPublishedOnLoopbackOnly() {
        assertThat(Yaml.map(COMPOSE, "services").keySet()).containsExactlyInAnyOrderElementsOf(SERVICES.keySet());
        SERVICES.forEach((name, port) -> assertThat(Yaml.list(service(name), "ports")).as(name).singleElement()
                .satisfies(p -> assertThat(p.toString()).startsWith("127.0.0.1:").endsWith(":" + port)));
    }

    @Test
    void onlyTheGrafanasAndTheThirdStorageNodeNeedAProfile() {
        SERVICES.keySet().forEach(name -> {
            List<Object> profiles = Yaml.list(service(name), "profiles");
            List<Object> expected = GRAFANAS.contains(name) ? List.of("grafana")
                    : name.equals(OPTIONAL_STORAGE) ? List.of("storage-3") : List.of();
            assertThat(profiles).as(name).isEqualTo(expected);
        });
    }

    @Test
    void everyServiceIsHealthCheckedRestartedAndWaitsForHealthyDependencies() {
        SERVICES.keySet().forEach(name -> {
            Map<String, Object> svc = service(name);
            assertThat(svc.get("restart")).as(name).isEqualTo("unless-stopped");
            List<Object> test = Yaml.list(Yaml.map(svc, "healthcheck"), "test");
            assertThat(test).as(name).startsWith("CMD", "wget");
            assertThat(test.get(test.size() - 1).toString()).as(name).startsWith("http://127.0.0.1:" + SERVICES.get(name));
            if (name.startsWith("vm") || name.equals("mock-exporter")) {
                assertThat(test.get(test.size() - 1).toString()).endsWith("/actuator/health/readiness");
            }
            Yaml.map(svc, "depends_on").forEach((dependency, condition) -> {
                assertThat(SERVICES).containsKey(dependency);
                assertThat(Yaml.asMap(condition)).containsEntry("condition", "service_healthy");
            });
        });
        assertThat(Yaml.map(service("vmagent-eu-west-1"), "depends_on")).containsKeys("vminsert-1", "vminsert-2");
        assertThat(Yaml.map(service("vmselect-2"), "depends_on")).containsKeys("vmstorage-1", "vmstorage-2");
    }

    @Test
    void clusterTuningIsSetThroughTheEnvironment() {
        for (String insert : List.of("vminsert-1", "vminsert-2")) {
            assertThat(Yaml.map(service(insert), "environment"))
                    .containsEntry("BASALT_INSERT_REPLICATIONFACTOR", "2")
                    .containsEntry("BASALT_INSERT_MAXCONCURRENTINSERTS", "16")
                    .containsEntry("BASALT_INSERT_STORAGENODESFILE", "/etc/basalt/cluster/storage-nodes-insert.txt");
            assertThat(Yaml.list(service(insert), "volumes")).contains("./config/cluster:/etc/basalt/cluster:ro");
        }
        assertThat(Yaml.map(service("vminsert-1"), "environment"))
                .containsEntry("BASALT_INSERT_REBALANCE_ENABLED", "true");
        assertThat(Yaml.map(service("vminsert-2"), "environment")).doesNotContainKey("BASALT_INSERT_REBALANCE_ENABLED");
        for (String tier : List.of("insert", "select")) {
            assertThat(Repository.path("config/cluster/storage-nodes-" + tier + ".txt")).content()
                    .contains("\nhttp://vmstorage-1:8482\nhttp://vmstorage-2:8482\n").doesNotContain("vmstorage-3");
        }
        for (String select : List.of("vmselect-1", "vmselect-2")) {
            assertThat(Yaml.map(service(select), "environment"))
                    .containsEntry("BASALT_SELECT_REPLICATIONFACTOR", "2")
                    .containsEntry("BASALT_SELECT_STORAGENODESFILE", "/etc/basalt/cluster/storage-nodes-select.txt");
            assertThat(Yaml.list(service(select), "volumes")).contains("./config/cluster:/etc/basalt/cluster:ro");
            assertThat(Yaml.map(Yaml.map(service(select), "networks"), "basalt").get("aliases").toString())
                    .contains("vmselect");
        }
        for (String storage : List.of("vmstorage-1", "vmstorage-2", "vmstorage-3")) {
            assertThat(Yaml.list(service(storage), "volumes")).containsExactly(storage + "-data:/vmstorage-data");
            assertThat(Yaml.map(COMPOSE, "volumes")).containsKey(storage + "-data");
            assertThat(Yaml.map(service(storage), "environment"))
                    .containsEntry("BASALT_STORAGE_RETENTIONPERIOD", "1y");
        }
    }

    @Test
    void everyBindMountedFileExists() {
        SERVICES.keySet().forEach(name -> Yaml.list(service(name), "volumes").stream().map(Object::toString)
                .filter(v -> v.startsWith("./"))
                .forEach(v -> assertThat(Repository.path(v.substring(2, v.indexOf(':')))).as(name).exists()));
        for (String region : List.of("us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1")) {
            assertThat(Yaml.list(service("vmagent-" + region), "volumes"))
                    .contains("./config/agents/" + region + ".yml:/etc/basalt/agent.yml:ro");
        }
    }

    @Test
    void everyBasaltImageBuildsFromItsJarOnAConfigurableBase() throws Exception {
        Map<String, Integer> modules = Map.of("mock-exporter", 2112, "agent-service", 8429, "insert-service", 8480,
                "storage-service", 8482, "select-service", 8481);
        for (var module : modules.entrySet()) {
            Path dir = Repository.path(module.getKey());
            String dockerfile = Files.readString(dir.resolve("Dockerfile"));
            assertThat(dockerfile).contains("ARG BASE_IMAGE=eclipse-temurin:17-jre", "FROM ${BASE_IMAGE}",
                    "COPY target/" + module.getKey() + ".jar", "EXPOSE " + module.getValue(),
                    "http://127.0.0.1:" + module.getValue() + "/actuator/health/readiness", "USER 1000");
            assertThat(Files.readAllLines(dir.resolve(".dockerignore")))
                    .contains("*", "!target/" + module.getKey() + ".jar");
        }
    }

    @Test
    void composeAcceptsTheFileWithAndWithoutTheGrafanaProfile() {
        assumeTrue(Command.available("docker-compose"), "docker-compose is not installed: skipping its own check");
        Command plain = Command.run(Duration.ofSeconds(60), "docker-compose", "config", "-q");
        Command services = Command.run(Duration.ofSeconds(60), "docker-compose", "--profile", "grafana", "config",
                "--services");

        assertThat(plain.succeeded()).as(plain.output()).isTrue();
        assertThat(services.succeeded()).as(services.output()).isTrue();
        assertThat(services.output().lines()).containsAll(SERVICES.keySet());
    }
}
