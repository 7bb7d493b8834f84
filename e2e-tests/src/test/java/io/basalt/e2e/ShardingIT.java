package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote write into one insert node over two storage nodes with replicationFactor 1: every series is stored on
 * exactly one node, both nodes get a share, and select returns each series once with its exact samples. Bad bodies
 * are refused with their own message without disturbing what was stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardingIT {

    private static final int SERIES = 200;

    /** Recent, so that it is inside the storage's retention period. */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 60_000;

    private final HttpClient http = HttpClient.newHttpClient();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private ServiceProcess storage1;

    private ServiceProcess storage2;

    private ServiceProcess insert;

    private ServiceProcess select;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        storage1 = track(ServiceProcess.start("shard-storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s1"))));
        storage2 = track(ServiceProcess.start("shard-storage-2", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s2"))));
        List<String> nodes = ServiceProcess.discoveryArgs("storage", storage1, storage2);
        insert = track(ServiceProcess.start("shard-insert", "insert-service", nodes));
        select = track(ServiceProcess.start("shard-select", "select-service", nodes));
        for (ServiceProcess p : processes) {
            p.awaitReady(java.time.Duration.ofSeconds(120));
        }
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            series.add(new TimeSeries(Labels.of("__name__", "sharding_test", "id", Integer.toString(i)),
                    new long[] { T0, T0 + 15_000 }, new double[] { i, i + 0.5 }));
        }
        assertThat(remoteWrite(RemoteWriteEncoder.encode(series)).statusCode()).isEqualTo(204);
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void eachSeriesLivesOnExactlyOneNodeAndBothNodesGetAShare() throws Exception {
        Set<Labels> onNode1 = seriesOn(storage1);
        Set<Labels> onNode2 = seriesOn(storage2);

        assertThat(onNode1).isNotEmpty();
        assertThat(onNode2).isNotEmpty();
        assertThat(onNode1).doesNotContainAnyElementsOf(onNode2);
        Set<Labels> all = new HashSet<>(onNode1);
        all.addAll(onNode2);
        assertThat(all).hasSize(SERIES);
    }

    @Test
    void selectReturnsEverySeriesOnceWithItsValues() throws Exception {
        PrometheusApi api = new PrometheusApi(select.baseUrl() + "/select/0/prometheus");
        List<PrometheusApi.Sample> result = api.instantVector("sharding_test @ " + (T0 + 15_000) / 1000);

        assertThat(result).hasSize(SERIES);
        for (PrometheusApi.Sample s : result) {
            int id = Integer.parseInt(s.labels().get("id"));
            assertThat(Double.parseDouble(s.value())).isEqualTo(id + 0.5);
        }
    }

    @Test
    void badBodiesAreRefusedWithTheirOwnMessageAndStoredDataStays() throws Exception {
        HttpResponse<String> notSnappy = remoteWrite("definitely not snappy".getBytes());
        assertThat(notSnappy.statusCode()).isEqualTo(400);
        assertThat(notSnappy.body()).startsWith("snappy");

        HttpResponse<String> badTenant = http.send(HttpRequest.newBuilder(URI.create(insert.baseUrl()
                + "/insert/abc/prometheus/api/v1/write")).POST(HttpRequest.BodyPublishers.ofByteArray(
                        RemoteWriteEncoder.encode(List.of()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badTenant.statusCode()).isEqualTo(400);
        assertThat(badTenant.body()).contains("invalid tenant 'abc'");

        assertThat(seriesOn(storage1).size() + seriesOn(storage2).size()).isEqualTo(SERIES);
    }

    private HttpResponse<String> remoteWrite(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(insert.baseUrl() + "/insert/0/prometheus/api/v1/write"))
            .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
            .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Set<Labels> seriesOn(ServiceProcess storage) throws Exception {
        byte[] query = new SearchQuery(TenantId.DEFAULT, 0, Long.MAX_VALUE,
                List.of(LabelMatcher.equal("__name__", "sharding_test")), 0).encode();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(storage.baseUrl() + "/internal/search"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        Set<Labels> out = new HashSet<>();
        RowsCodec.decode(r.body()).series().forEach(ts -> out.add(ts.labels()));
        return out;
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
