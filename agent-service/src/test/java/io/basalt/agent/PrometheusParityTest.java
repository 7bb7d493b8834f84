package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.agent.support.MockExporterTarget;
import io.basalt.agent.support.StubReceiver;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.Await;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Prometheus 2.42 and the agent scrape the same real node_exporter and the same mock-exporter with one scrape
 * config (target relabeling, {@code __tmp_*}, honor_labels conflicts, metric relabeling) and remote-write to one
 * receiver on different paths. What each sent must be the same set of series, external labels and report series
 * included, and the same values wherever the value cannot move between the two scrapers' scrapes.
 */
class PrometheusParityTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

    /**
     * Collectors whose series set does not depend on what else runs on the machine (no mounts, network devices or
     * processes), and without node_exporter's own Go runtime metrics, which change from scrape to scrape.
     */
    private static final List<String> NODE_EXPORTER_FLAGS = List.of("--web.disable-exporter-metrics",
            "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo", "--collector.loadavg",
            "--collector.uname", "--collector.os", "--collector.time", "--collector.stat");

    /** node_exporter series whose value is fixed while the machine runs; every other node value moves. */
    private static final Set<String> NODE_CONSTANTS = Set.of("node_uname_info", "node_os_info", "node_os_version",
            "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_memory_Hugepagesize_bytes",
            "node_time_zone_offset_seconds", "node_time_clocksource_available_info",
            "node_time_clocksource_current_info", "node_scrape_collector_success",
            "promhttp_metric_handler_errors_total");

    private static final String SCRAPE = """
            global:
              scrape_interval: 1s
              external_labels: {region: parity, cluster: c1}
            scrape_configs:
              - job_name: node
                static_configs:
                  - targets: ['%1$s']
                    labels: {team: infra, __tmp_zone: z1}
                relabel_configs:
                  - {source_labels: [__address__], regex: '([^:]+):.*', target_label: host}
                  - {source_labels: [__tmp_zone], target_label: zone}
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: 'node_cpu_guest_seconds_total|node_memory_(Vmalloc|Direct).*', action: drop}
                  - {source_labels: [cpu], regex: '(.+)', target_label: cpu, replacement: 'cpu$1'}
              - job_name: mock
                static_configs:
                  - targets: ['%2$s']
                    labels: {team: Web, shard_key: x}
                relabel_configs:
                  - {source_labels: [shard_key], modulus: 8, target_label: shard, action: hashmod}
                  - {action: labeldrop, regex: shard_key}
                  - {source_labels: [team], target_label: team, action: lowercase}
                  - {target_label: pod, replacement: scraper}
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: 'mock_debug_.*', action: drop}
                  - {source_labels: [status], regex: '5..', action: drop}
                  - {source_labels: [exported_pod], regex: 'api-(.*)', target_label: replica, replacement: 'r$1'}
                  - {action: labelmap, regex: 'z(one)', replacement: 'availability_z$1'}
            remote_write:
              - url: %3$s
                queue_config: {batch_send_deadline: 500ms}
            """;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theAgentSendsWhatPrometheusSendsForNodeExporterAndMockExporter() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "Prometheus is not installed at " + PROMETHEUS
                + " (apt-get install prometheus)");
        assumeTrue(Files.isExecutable(NODE_EXPORTER), "node_exporter is not installed at " + NODE_EXPORTER
                + " (apt-get install prometheus-node-exporter)");
        String missing = MockExporterTarget.missing();
        assumeTrue(missing == null, missing);
        // Ten simulated minutes in: counters, histograms and summaries hold real values, frozen from here on.
        Map<String, Object> settings = Map.of("Seed", 7L, "Instances", 2, "Paths", 2, "Methods", 2,
                "StatusCodes", 3, "Targets", 1, "Step", Duration.ofSeconds(1));
        try (MockExporterTarget mock = new MockExporterTarget(settings, 600);
                StubReceiver receiver = new StubReceiver()) {
            String node = "127.0.0.1:" + freePort();
            List<String> nodeCommand = new ArrayList<>(List.of(NODE_EXPORTER.toString(),
                    "--web.listen-address=" + node));
            nodeCommand.addAll(NODE_EXPORTER_FLAGS);
            start(nodeCommand, "node-exporter.log");
            Await.until(Duration.ofSeconds(10), "node_exporter to serve /metrics", () -> serves(node));

            Path promConfig = Files.writeString(dir.resolve("prometheus.yml"),
                    SCRAPE.formatted(node, mock.address(), receiver.baseUrl() + "/prometheus"));
            Path agentConfig = Files.writeString(dir.resolve("agent.yml"),
                    SCRAPE.formatted(node, mock.address(), receiver.baseUrl() + "/agent"));
            start(List.of(PROMETHEUS.toString(), "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + freePort()),
                    "prometheus.log");
            try (ConfigurableApplicationContext agent = TestAgents.start(agentConfig, dir.resolve("data"), Map.of())) {
                Await.until(Duration.ofSeconds(25), "both to send two scrapes of each job",
                        () -> List.of("/prometheus", "/agent").stream().allMatch(path -> List.of("node", "mock")
                                .stream().allMatch(job -> scrapes(receiver, path, job) >= 2)));
            }
            Set<Labels> fromPrometheus = labelSets(receiver, "/prometheus");
            Set<Labels> fromAgent = labelSets(receiver, "/agent");
            assertThat(difference(fromAgent, fromPrometheus)).as("series the agent sent and Prometheus did not")
                    .isEmpty();
            assertThat(difference(fromPrometheus, fromAgent)).as("series Prometheus sent and the agent did not")
                    .isEmpty();

            // Not vacuous: the sets hold both exporters and the rules' effects that implementations get wrong.
            assertThat(fromAgent).hasSizeGreaterThan(150)
                    .allMatch(l -> l.get("region").equals("parity") && l.get("cluster").equals("c1"))
                    .noneMatch(l -> l.asList().stream()
                            .anyMatch(n -> n.name().startsWith("__") && !n.name().equals("__name__")))
                    .anyMatch(l -> l.get("zone").equals("z1") && l.get("cpu").equals("cpu0"))
                    .anyMatch(l -> l.get("exported_pod").equals("api-1") && l.get("replica").equals("r1")
                            && l.get("pod").equals("scraper") && !l.get("shard").isEmpty())
                    .anyMatch(l -> l.metricName().equals("mock_pod_info") && !l.get("availability_zone").isEmpty())
                    .anyMatch(l -> l.metricName().equals("node_memory_MemTotal_bytes"))
                    .noneMatch(l -> l.metricName().startsWith("mock_debug_") || l.get("status").equals("500")
                            || l.metricName().equals("node_cpu_guest_seconds_total"));
            for (String report : List.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
                    "scrape_samples_post_metric_relabeling", "scrape_series_added")) {
                assertThat(fromAgent).as(report).filteredOn(l -> l.metricName().equals(report)).hasSize(2);
            }

            Map<Labels, Double> prometheusValues = firstValues(receiver, "/prometheus", PrometheusParityTest::stable);
            Map<Labels, Double> agentValues = firstValues(receiver, "/agent", PrometheusParityTest::stable);
            Map<Labels, String> differing = new TreeMap<>();
            for (Labels l : union(agentValues.keySet(), prometheusValues.keySet())) {
                if (!Objects.equals(agentValues.get(l), prometheusValues.get(l))) {
                    differing.put(l, "agent " + agentValues.get(l) + ", Prometheus " + prometheusValues.get(l));
                }
            }
            assertThat(differing).as("series whose values differ").isEmpty();
            assertThat(agentValues).hasSizeGreaterThan(150);
            assertThat(agentValues.entrySet())
                    .anyMatch(e -> e.getKey().metricName().equals("http_requests_total") && e.getValue() > 0)
                    .anyMatch(e -> e.getKey().metricName().equals("scrape_series_added") && e.getValue() > 0);
        }
    }

    /**
     * Values both scrapers must agree on: all of the frozen mock-exporter page, node_exporter's constants, and the
     * report series but the scrape's duration. The first sample of each series is compared, so scrape_series_added
     * is the count of the first scrape.
     */
    private static boolean stable(Labels labels) {
        String name = labels.metricName();
        if (name.equals("scrape_duration_seconds")) {
            return false;
        }
        return labels.get("job").equals("mock") || name.startsWith("scrape_") || name.equals("up")
                || NODE_CONSTANTS.contains(name);
    }

    private void start(List<String> command, String log) throws Exception {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start());
    }

    private static boolean serves(String address) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + address + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        }
        catch (Exception e) {
            return false;
        }
    }

    private static long scrapes(StubReceiver receiver, String path, String job) {
        return receiver.received().stream().filter(r -> r.path().equals(path)
                && r.series().labels().metricName().equals("up") && r.series().labels().get("job").equals(job))
                .mapToLong(r -> r.series().size()).sum();
    }

    private static Set<Labels> labelSets(StubReceiver receiver, String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).map(r -> r.series().labels())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each selected series' earliest sample that is not a staleness marker. */
    private static Map<Labels, Double> firstValues(StubReceiver receiver, String path, Predicate<Labels> select) {
        Map<Labels, Long> firstAt = new TreeMap<>();
        Map<Labels, Double> out = new TreeMap<>();
        for (var r : receiver.received()) {
            TimeSeries s = r.series();
            if (!r.path().equals(path) || !select.test(s.labels())) {
                continue;
            }
            for (int i = 0; i < s.size(); i++) {
                long t = s.timestamps()[i];
                if (!StaleMarker.isStale(s.value(i)) && t < firstAt.getOrDefault(s.labels(), Long.MAX_VALUE)) {
                    firstAt.put(s.labels(), t);
                    out.put(s.labels(), s.value(i));
                }
            }
        }
        return out;
    }

    private static Set<Labels> difference(Set<Labels> a, Set<Labels> b) {
        Set<Labels> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static Set<Labels> union(Set<Labels> a, Set<Labels> b) {
        Set<Labels> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
