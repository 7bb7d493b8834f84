package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Brings docker-compose.yml up (every service but the Grafanas, whose image no offline machine has) on the images
 * that scripts/offline-images.sh builds, and checks both flows end to end. Skips when there is no Docker daemon,
 * no docker-compose, or an image is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ComposeStackIT {

    private static final List<String> BASALT_IMAGES = List.of("mock-exporter", "agent-service", "insert-service",
            "storage-service", "select-service");
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(5);
    private static final Duration DATA_WITHIN = Duration.ofMinutes(2);

    private ComposeProject project;
    private List<String> services;
    private PrometheusApi receiver;
    private PrometheusApi select1;
    private PrometheusApi select2;

    @BeforeAll
    void startStack() {
        assumeTrue(Command.available("docker-compose"), "docker-compose is not installed");
        Command info = Command.run(Duration.ofSeconds(20), "docker", "info", "--format", "{{.ServerVersion}}");
        assumeTrue(info.succeeded(), "no Docker daemon (`docker info` failed; run .ci/docker-up.sh): "
                + info.output().trim());
        List<String> images = new ArrayList<>();
        String tag = System.getenv().getOrDefault("BASALT_TAG", "latest");
        BASALT_IMAGES.forEach(m -> images.add("basalt/" + m + ":" + tag));
        images.add(System.getenv().getOrDefault("PROMETHEUS_IMAGE", "prom/prometheus:v2.42.0"));
        List<String> missing = images.stream()
                .filter(i -> !Command.run(Duration.ofSeconds(20), "docker", "image", "inspect", i).succeeded())
                .toList();
        assumeTrue(missing.isEmpty(), "images missing (run scripts/offline-images.sh): " + missing);

        services = ComposeFileTest.SERVICES.keySet().stream().filter(s -> !ComposeFileTest.GRAFANAS.contains(s))
                .toList();
        project = new ComposeProject();
        long started = System.nanoTime();
        Command up = project.up(services);
        assertThat(up.succeeded()).as("docker-compose up failed:\n%s\n%s", up.output(), diagnostics()).isTrue();
        awaitHealthy();
        System.out.printf("compose stack %s healthy after %d s%n", project.name(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());

        receiver = new PrometheusApi("http://" + project.address("prometheus-receiver", 9091));
        select1 = new PrometheusApi("http://" + project.address("vmselect-1", 8481) + "/select/0/prometheus");
        select2 = new PrometheusApi("http://" + project.address("vmselect-2", 8481) + "/select/0/prometheus");
    }

    @AfterAll
    void removeStack() {
        if (project != null) {
            project.close();
        }
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        Map<String, String> health = project.health();
        while (System.nanoTime() < deadline && !allHealthy(health)) {
            sleep(Duration.ofSeconds(3));
            health = project.health();
        }
        assertThat(health).as("container health after %s\n%s", HEALTHY_WITHIN, diagnostics())
                .containsOnlyKeys(services).allSatisfy((service, state) -> assertThat(state).isEqualTo("healthy"));
    }

    private boolean allHealthy(Map<String, String> health) {
        return health.keySet().containsAll(services) && health.values().stream().allMatch("healthy"::equals);
    }

    /** State and recent logs of every container that is not healthy, for failure messages. */
    private String diagnostics() {
        if (project == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        project.health().forEach((service, state) -> {
            if (!state.equals("healthy")) {
                out.append("---- ").append(service).append(" (").append(state).append(")\n")
                        .append(project.logs(service, 40));
            }
        });
        return out.toString();
    }

    /** Polls the query until the response satisfies the condition or the time is up; returns the last response. */
    private static JsonNode await(PrometheusApi api, String promql, Predicate<JsonNode> condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode response = api.query(promql);
        while (!condition.test(response) && System.nanoTime() < deadline) {
            sleep(Duration.ofSeconds(2));
            response = api.query(promql);
        }
        return response;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void prometheusFlowDeliversMockExporterSeriesToTheReceiver() {
        JsonNode response = await(receiver, "count by (region, cluster) ({job=\"mock-exporter\"})",
                PrometheusApi::hasData, DATA_WITHIN);

        assertThat(PrometheusApi.hasData(response)).as("%s", response).isTrue();
        assertThat(PrometheusApi.labelValues(response, "cluster")).containsExactly("dev-cluster");
    }

    @Test
    @Order(2)
    void basaltFlowDeliversMockExporterSeriesFromEveryRegion() {
        Set<String> regions = Set.copyOf(PrometheusConfigsTest.REGIONS);

        JsonNode response = await(select1, "count by (region) ({job=\"mock-exporter\"})",
                r -> PrometheusApi.labelValues(r, "region").containsAll(regions), DATA_WITHIN);

        assertThat(PrometheusApi.labelValues(response, "region")).as("%s", response).containsAll(regions);
        assertThat(PrometheusApi.labelValues(select2.query("count by (region) ({job=\"mock-exporter\"})"), "region"))
                .containsAll(regions);
    }

    @Test
    @Order(3)
    void everyDashboardExpressionReturnsDataFromTheSelectTier() {
        // rates need two scrapes of the Basalt tier, so poll every expression until all have data or time is up
        Map<Dashboards.Expression, JsonNode> pending = new LinkedHashMap<>();
        Dashboards.expressions().forEach(e -> pending.put(e, null));
        long deadline = System.nanoTime() + DATA_WITHIN.toNanos();
        while (true) {
            pending.replaceAll((e, last) -> select1.query(e.resolved()));
            pending.values().removeIf(PrometheusApi::hasData);
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            sleep(Duration.ofSeconds(5));
        }

        assertThat(pending.entrySet().stream().map(e -> e.getKey().dashboard() + " / " + e.getKey().panel() + ": "
                + e.getKey().resolved() + " -> " + e.getValue()).toList()).as("panels without data").isEmpty();
    }

    @Test
    @Order(4)
    void queriesStayCompleteWithOneStorageNodeKilled() {
        String everything = "{job=\"mock-exporter\"}";
        JsonNode before = await(select1, everything, PrometheusApi::hasData, DATA_WITHIN);
        Set<String> seriesBefore = PrometheusApi.series(before);
        assertThat(seriesBefore).isNotEmpty();

        Command kill = project.compose(Duration.ofSeconds(60), "kill", "vmstorage-1");
        assertThat(kill.succeeded()).as(kill.output()).isTrue();
        assertThat(project.health().get("vmstorage-1")).isNotEqualTo("healthy");

        for (PrometheusApi select : List.of(select1, select2)) {
            // the first queries may wait for the dead node's connect timeout; completeness is what is tested here
            long asked = System.nanoTime();
            JsonNode after = await(select, everything, PrometheusApi::hasData, Duration.ofSeconds(90));
            System.out.printf("select answered %s %d s after vmstorage-1 was killed%n",
                    after.path("status").asText(), Duration.ofNanos(System.nanoTime() - asked).toSeconds());
            assertThat(after.path("status").asText()).as("%s", after).isEqualTo("success");
            assertThat(after.path("isPartial").asBoolean(false)).as("isPartial with RF=2 and one node down").isFalse();
            Set<String> missing = seriesBefore.stream().filter(s -> !PrometheusApi.series(after).contains(s))
                    .collect(Collectors.toSet());
            assertThat(missing).as("series lost with vmstorage-1 down").isEmpty();
        }
    }
}
