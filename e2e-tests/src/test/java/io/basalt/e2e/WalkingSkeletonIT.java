package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole write and read path as separate processes on loopback: mock-exporter → agent → 2 inserts → 2 storages
 * (replicationFactor 2) ← select. It fails if the agent does not scrape or label, if inserts do not replicate, or if
 * select does not merge the replicas into one series.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WalkingSkeletonIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final List<ServiceProcess> processes = new ArrayList<>();

    private ServiceProcess exporter;

    private ServiceProcess storage1;

    private ServiceProcess storage2;

    private ServiceProcess select;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        exporter = track(ServiceProcess.start("mock-exporter", "mock-exporter", List.of()));
        storage1 = track(ServiceProcess.start("storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("storage-1"))));
        storage2 = track(ServiceProcess.start("storage-2", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("storage-2"))));
        List<String> storageNodes = ServiceProcess.discoveryArgs("storage", storage1, storage2);
        List<String> insertArgs = new ArrayList<>(storageNodes);
        insertArgs.add("--basalt.insert.replication-factor=2");
        ServiceProcess insert1 = track(ServiceProcess.start("insert-1", "insert-service", insertArgs));
        ServiceProcess insert2 = track(ServiceProcess.start("insert-2", "insert-service", insertArgs));
        List<String> selectArgs = new ArrayList<>(storageNodes);
        selectArgs.add("--basalt.select.replication-factor=2");
        select = track(ServiceProcess.start("select-1", "select-service", selectArgs));

        Path agentConfig = dir.resolve("agent.yml");
        Files.writeString(agentConfig, """
                global:
                  scrape_interval: 1s
                  external_labels:
                    region: e2e-region
                scrape_configs:
                  - job_name: mock-exporter
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://insert/insert/0/prometheus/api/v1/write
                """.formatted(exporter.port()));
        List<String> agentArgs = new ArrayList<>(ServiceProcess.discoveryArgs("insert", insert1, insert2));
        agentArgs.add("--basalt.agent.config-file=" + agentConfig);
        agentArgs.add("--basalt.agent.data-path=" + dir.resolve("agent"));
        track(ServiceProcess.start("agent", "agent-service", agentArgs));
        for (ServiceProcess p : processes) {
            p.awaitReady(STARTUP);
        }
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void scrapedSeriesReachSelectWithTheAgentsExternalLabels() throws Exception {
        PrometheusApi api = new PrometheusApi(select.baseUrl() + "/select/0/prometheus");
        List<PrometheusApi.Sample> up = awaitNonEmpty(api, "up{job=\"mock-exporter\"}");

        assertThat(up).hasSize(1);
        assertThat(up.get(0).labels()).containsEntry("region", "e2e-region")
            .containsEntry("instance", "127.0.0.1:" + exporter.port())
            .containsEntry("__name__", "up");
        assertThat(up.get(0).value()).isEqualTo("1");

        // A constant family of mock-exporter arrives with its exact value, once despite two replicas.
        List<PrometheusApi.Sample> info = awaitNonEmpty(api, "mock_exporter_build_info");
        assertThat(info).hasSize(1);
        assertThat(info.get(0).value()).isEqualTo("1");
        assertThat(info.get(0).labels()).containsEntry("region", "e2e-region").containsKey("version");
    }

    @Test
    void everyStorageNodeHoldsACopyWithReplicationFactorTwo() throws Exception {
        PrometheusApi api = new PrometheusApi(select.baseUrl() + "/select/0/prometheus");
        awaitNonEmpty(api, "up");
        Set<String> onNode1 = seriesOn(storage1, "up");
        Set<String> onNode2 = seriesOn(storage2, "up");
        assertThat(onNode1).isNotEmpty().isEqualTo(onNode2);
    }

    private Set<String> seriesOn(ServiceProcess storage, String metric) throws Exception {
        byte[] query = new SearchQuery(TenantId.DEFAULT, 0, Long.MAX_VALUE,
                List.of(LabelMatcher.equal("__name__", metric)), 0).encode();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(storage.baseUrl()
                + "/internal/search")).POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return RowsCodec.decode(r.body()).series().stream().map(TimeSeries::labels).map(Object::toString)
            .collect(Collectors.toSet());
    }

    private static List<PrometheusApi.Sample> awaitNonEmpty(PrometheusApi api, String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<PrometheusApi.Sample> r = api.instantVector(query);
            if (!r.isEmpty()) {
                return r;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no result for " + query + " within 60 s");
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
