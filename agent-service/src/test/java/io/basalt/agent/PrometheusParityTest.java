package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.agent.support.Await;
import io.basalt.agent.support.StubReceiver;
import io.basalt.agent.support.StubTarget;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The agent and a real Prometheus 2.42 scrape the same target with the same config and remote-write to one receiver
 * on different paths: the series they send must be the same, label for label, and the page's values equal.
 */
class PrometheusParityTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    private static final String PAGE = """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{code="200",job="exposed"} 10
            http_requests_total{code="500",instance="spoof"} 2
            # TYPE go_goroutines gauge
            go_goroutines 7
            # TYPE temperature_celsius gauge
            temperature_celsius{room="A b"} 21.5
            """;

    private static final String SCRAPE = """
            global:
              scrape_interval: 1s
              external_labels: {region: parity}
            scrape_configs:
              - job_name: parity
                static_configs:
                  - targets: ['%s']
                    labels: {team: core, shard_key: x}
                relabel_configs:
                  - {source_labels: [shard_key], modulus: 8, target_label: shard, action: hashmod}
                  - {source_labels: [__address__], regex: '([^:]+):.*', target_label: host}
                  - {action: labeldrop, regex: shard_key}
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: 'go_.*', action: drop}
                  - {source_labels: [room], target_label: room, action: lowercase}
            remote_write:
              - url: %s
                queue_config: {batch_send_deadline: 500ms}
            """;

    @TempDir
    Path dir;

    @Test
    void theAgentSendsWhatPrometheusSends() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "Prometheus is not installed at " + PROMETHEUS
                + " (apt-get install prometheus)");
        try (StubTarget target = new StubTarget().page("/metrics", PAGE); StubReceiver receiver = new StubReceiver()) {
            Path promConfig = Files.writeString(dir.resolve("prometheus.yml"),
                    SCRAPE.formatted(target.address(), receiver.baseUrl() + "/prometheus"));
            Path agentConfig = Files.writeString(dir.resolve("agent.yml"),
                    SCRAPE.formatted(target.address(), receiver.baseUrl() + "/agent"));
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + freePort())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try (ConfigurableApplicationContext agent = TestAgents.start(agentConfig, dir.resolve("data"), Map.of())) {
                Await.until(Duration.ofSeconds(60), "both to send two scrapes of the page",
                        () -> scrapes(receiver, "/prometheus") >= 2 && scrapes(receiver, "/agent") >= 2);

                Set<Labels> fromPrometheus = labelSets(receiver, "/prometheus");
                Set<Labels> fromAgent = labelSets(receiver, "/agent");
                assertThat(fromAgent).isEqualTo(fromPrometheus);
                // Not vacuous: the compared sets hold the cases that differ most easily between implementations.
                assertThat(fromAgent).anyMatch(l -> l.get("exported_job").equals("exposed"))
                        .anyMatch(l -> l.get("exported_instance").equals("spoof"))
                        .anyMatch(l -> l.get("room").equals("a b"))
                        .allMatch(l -> !l.get("shard").isEmpty() && l.get("region").equals("parity"))
                        .noneMatch(l -> l.metricName().startsWith("go_"));
                assertThat(pageValues(receiver, "/agent")).isEqualTo(pageValues(receiver, "/prometheus"));
            }
            finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    private static long scrapes(StubReceiver receiver, String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)
                && r.series().labels().metricName().equals("up")).count();
    }

    private static Set<Labels> labelSets(StubReceiver receiver, String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).map(r -> r.series().labels())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<Labels, Double> pageValues(StubReceiver receiver, String path) {
        Map<Labels, Double> out = new TreeMap<>();
        for (var r : receiver.received()) {
            TimeSeries s = r.series();
            if (r.path().equals(path) && !s.labels().metricName().startsWith("scrape_")
                    && !StaleMarker.isStale(s.value(0))) {
                out.put(s.labels(), s.value(0));
            }
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
