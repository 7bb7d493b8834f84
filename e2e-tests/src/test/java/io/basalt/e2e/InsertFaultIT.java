package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage node is killed ({@code kill -9}) in the middle of a steady remote-write load with replicationFactor 2
 * over two storage nodes. The sender, behaving as Prometheus does (retrying 5xx, dropping 4xx), must never see a 4xx,
 * and every sample it saw acknowledged must be queryable afterwards from the surviving node through select. The
 * insert node runs in strict mode: no {@code basalt.insert.hint-path}, so every write needs both copies stored
 * ({@code min-write-copies} defaults to the replication factor) and, with one of two nodes gone, insert answers 503
 * until the node returns: nothing is acknowledged that is not stored twice. The shipped deployments set a hint path
 * (one copy stored, the other owed to the node that is down); that mode is drilled in {@link FaultDrillsIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsertFaultIT {

    private static final int SERIES = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private ServiceProcess storage2;

    private ServiceProcess insert;

    private ServiceProcess select;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ServiceProcess storage1 = track(ServiceProcess.start("insfault-storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s1"))));
        storage2 = track(ServiceProcess.start("insfault-storage-2", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s2"))));
        List<String> nodes = ServiceProcess.discoveryArgs("storage", storage1, storage2);
        List<String> insertArgs = new ArrayList<>(nodes);
        insertArgs.add("--basalt.insert.replication-factor=2");
        insert = track(ServiceProcess.start("insfault-insert", "insert-service", insertArgs));
        List<String> selectArgs = new ArrayList<>(nodes);
        selectArgs.add("--basalt.select.replication-factor=2");
        select = track(ServiceProcess.start("insfault-select", "select-service", selectArgs));
        for (ServiceProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void everyAcknowledgedSampleSurvivesAStorageNodeKilledMidLoad() throws Exception {
        long t0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;
        Map<Integer, Integer> statuses = new HashMap<>();
        List<Long> acknowledged = new ArrayList<>();
        boolean killed = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // One batch per step: 100 series, one sample each at t0 + step seconds; retried like Prometheus retries 5xx.
        for (int step = 0; step < 200 && System.nanoTime() < deadline; step++) {
            if (step == 40) {
                storage2.kill();
                killed = true;
            }
            long ts = t0 + step * 1000L;
            byte[] body = RemoteWriteEncoder.encode(batch(ts, step));
            for (int attempt = 0; attempt < 3; attempt++) {
                HttpResponse<String> r = remoteWrite(body);
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 204) {
                    acknowledged.add(ts);
                    break;
                }
                if (r.statusCode() / 100 == 4) {
                    break;
                }
                Thread.sleep(20);
            }
        }

        assertThat(killed).isTrue();
        assertThat(statuses.keySet()).as("statuses seen: %s", statuses).allMatch(s -> s == 204 || s == 503);
        assertThat(acknowledged).as("writes before the kill were acknowledged").hasSizeGreaterThanOrEqualTo(30);

        long last = acknowledged.get(acknowledged.size() - 1);
        Map<Map<String, String>, Map<Long, String>> stored = new PrometheusApi(select.baseUrl()
                + "/select/0/prometheus").rangeVector("fault_test[15m]", (last + 1) / 1000.0);
        assertThat(stored).hasSize(SERIES);
        for (Map.Entry<Map<String, String>, Map<Long, String>> e : stored.entrySet()) {
            int id = Integer.parseInt(e.getKey().get("id"));
            assertThat(e.getValue().keySet()).as("series %s", id).containsAll(acknowledged);
            for (long ts : acknowledged) {
                assertThat(Double.parseDouble(e.getValue().get(ts))).isEqualTo(id * 1000.0 + (ts - t0) / 1000);
            }
        }
    }

    private static List<TimeSeries> batch(long ts, int step) {
        List<TimeSeries> out = new ArrayList<>(SERIES);
        for (int i = 0; i < SERIES; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", "fault_test", "id", Integer.toString(i)), ts,
                    i * 1000.0 + step));
        }
        return out;
    }

    private HttpResponse<String> remoteWrite(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(insert.baseUrl() + "/insert/0/prometheus/api/v1/write"))
            .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
            .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
