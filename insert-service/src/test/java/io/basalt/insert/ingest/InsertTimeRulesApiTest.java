package io.basalt.insert.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Insert-time relabeling and the per-tenant active-series limit, configured as an operator would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InsertTimeRulesApiTest {

    private static final long T0 = 1_700_000_000_000L;

    private static final StubStorageNode NODE = StubStorageNode.start();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE::url);
        r.add("basalt.insert.relabel-config", InsertTimeRulesApiTest::rulesFile);
        r.add("basalt.insert.max-active-series-per-tenant", () -> 5);
    }

    private static String rulesFile() {
        try {
            Path file = Files.createTempFile("insert-relabel", ".yml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                    - action: drop
                      source_labels: [__name__]
                      regex: debug_.*
                    - target_label: cluster
                      replacement: eu-1
                    """);
            return file.toString();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stopNode() {
        NODE.close();
    }

    @Test
    void relabelRulesRunOnEverySeriesAndDropsAreCountedApart() {
        InsertHttp http = new InsertHttp(port);
        NODE.clear();
        double dropped = http.metric("basalt_insert_rows_relabel_dropped_total");

        assertThat(http.remoteWrite("/insert/1/prometheus/api/v1/write", RemoteWriteEncoder.encode(List.of(
                TimeSeries.single(Labels.of("__name__", "debug_loop"), T0, 1),
                TimeSeries.single(Labels.of("__name__", "kept", "job", "a"), T0, 2)))).statusCode()).isEqualTo(204);

        assertThat(NODE.labels()).containsExactly(Labels.of("__name__", "kept", "job", "a", "cluster", "eu-1"));
        assertThat(http.metric("basalt_insert_rows_relabel_dropped_total")).isEqualTo(dropped + 1);
    }

    @Test
    void newSeriesBeyondATenantsLimitAreDroppedWhileItsKnownSeriesAndOtherTenantsFlow() {
        InsertHttp http = new InsertHttp(port);
        NODE.clear();
        double limited = http.metric("basalt_insert_rows_rejected_total", "reason=\"tenant_series_limit\"");

        assertThat(http.remoteWrite("/insert/2/prometheus/api/v1/write", RemoteWriteEncoder.encode(series(8, T0)))
            .statusCode()).isEqualTo(204);
        assertThat(http.remoteWrite("/insert/2/prometheus/api/v1/write",
                RemoteWriteEncoder.encode(series(8, T0 + 15_000))).statusCode()).isEqualTo(204);
        assertThat(http.remoteWrite("/insert/3/prometheus/api/v1/write", RemoteWriteEncoder.encode(series(5, T0)))
            .statusCode()).isEqualTo(204);

        assertThat(NODE.series()).hasSize(5 + 5 + 5);
        assertThat(http.metric("basalt_insert_rows_rejected_total", "reason=\"tenant_series_limit\""))
            .isEqualTo(limited + 3 + 3);
    }

    private static List<TimeSeries> series(int n, long ts) {
        return java.util.stream.IntStream.range(0, n)
            .mapToObj(i -> TimeSeries.single(Labels.of("__name__", "limited", "id", Integer.toString(i)), ts, i))
            .toList();
    }
}
