package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.FreeSpaceProbe;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A node whose disk fills up turns read-only: inserts get 503 with the reason (so insert nodes reroute), reads keep
 * working, status and metrics say so, and it becomes writable again by itself once space is freed. The disk is
 * played by a {@link FreeSpaceProbe} bean, which the node uses instead of measuring its file store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "basalt.storage.min-free-disk-space-bytes=1000000")
class ReadOnlyOnLowDiskTest {

    private static final AtomicLong FREE_BYTES = new AtomicLong(50_000_000);

    private static final TenantId TENANT = TenantId.DEFAULT;

    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @TestConfiguration
    static class PlayedDisk {

        @Bean
        FreeSpaceProbe freeSpaceProbe() {
            return path -> FREE_BYTES.get();
        }
    }

    @LocalServerPort
    int port;

    @Test
    void lowDiskRefusesInsertsWithTheReasonKeepsReadsAndRecoversWhenSpaceIsFreed() throws Exception {
        InternalClient client = new InternalClient(port);
        assertThat(client.insert(TENANT, List.of(sample("before", 1))).statusCode()).isEqualTo(204);

        FREE_BYTES.set(999_999);
        HttpResponse<String> refused = awaitInsertStatus(client, 503);

        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("read-only", "999999 bytes free", "minFreeDiskSpaceBytes=1000000");
        HttpResponse<byte[]> read = client.search(new SearchQuery(TENANT, T0 - 1, T0 + 1,
                List.of(LabelMatcher.equal("__name__", "before")), 0));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(RowsCodec.decode(read.body()).series()).containsExactly(sample("before", 1));
        String status = client.get("/api/v1/status").body();
        assertThat(status).contains("\"readOnly\":true", "\"readOnlyReason\":\"storage is read-only: 999999 bytes");
        String metrics = client.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("basalt_storage_read_only\\{[^}]*} 1\\.0")
            .containsPattern("basalt_storage_disk_free_bytes\\{[^}]*} 999999\\.0")
            .containsPattern("basalt_storage_insert_requests_rejected_total\\{reason=\"read_only\"[^}]*} [1-9]")
            .containsPattern("basalt_storage_rows_rejected_total\\{reason=\"read_only\"[^}]*} [1-9]");

        FREE_BYTES.set(2_000_000);
        awaitInsertStatus(client, 204);

        assertThat(client.get("/api/v1/status").body()).contains("\"readOnly\":false");
        assertThat(RowsCodec.decode(client.search(new SearchQuery(TENANT, T0 - 1, T0 + 1,
                List.of(LabelMatcher.equal("__name__", "after")), 0)).body()).series()).hasSize(1);
    }

    /** The node re-measures free space about once a second, so the switch takes up to that long. */
    private static HttpResponse<String> awaitInsertStatus(InternalClient client, int status)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r;
        do {
            r = client.insert(TENANT, List.of(sample(status == 204 ? "after" : "during", 1)));
            if (r.statusCode() == status) {
                return r;
            }
            Thread.sleep(100);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError("insert still answered " + r.statusCode() + " " + r.body());
    }

    private static TimeSeries sample(String name, double value) {
        return new TimeSeries(Labels.of("__name__", name), new long[] { T0 }, new double[] { value });
    }
}
