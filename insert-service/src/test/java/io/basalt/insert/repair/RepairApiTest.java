package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.insert.testing.StubStorageNode.Behaviour;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The repairer of an insert node against two storage nodes that differ: a pass started with
 * {@code POST /internal/repair} leaves both holding the union of what they held, over HTTP and the storage wire
 * formats, and reports its progress in metrics and {@code /api/v1/status}; a node that is down leaves its blocks
 * unverified and the pass retries after the back-off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RepairApiTest {

    private static final long HOUR = 3_600_000;

    /** Two whole hours, closed long ago and inside the lookback. */
    private static final long T0 = (System.currentTimeMillis() / HOUR - 3) * HOUR;

    private static final TenantId TENANT = new TenantId(4, 2);

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start());

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        StubStorageNode.addAsStorageNodes(r, NODES);
        r.add("basalt.insert.repair.enabled", () -> true);
        r.add("basalt.insert.repair.initial-delay", () -> "1h");
        r.add("basalt.insert.repair.lookback", () -> "6h");
        r.add("basalt.insert.repair.leaf-series", () -> 20);
        // Slow enough that a second request arrives while the pass runs.
        r.add("basalt.insert.repair.bytes-per-second", () -> 256 * 1024);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void emptyNodes() {
        http = new InsertHttp(port);
        NODES.forEach(StubStorageNode::reset);
    }

    @Test
    void aPassCopiesToEachNodeWhatOnlyTheOtherHeld() throws Exception {
        List<TimeSeries> all = series(200, 2 * 120);
        NODES.get(0).store(TENANT, all);
        NODES.get(1).store(TENANT, all.subList(0, 150)); // lost 50 series
        NODES.get(1).store(TENANT, List.of(new TimeSeries(Labels.of("__name__", "only_on_1"),
                new long[] { T0 + 1_000 }, new double[] { 7 })));
        JsonNode before = status();
        double copiedBefore = http.metric("basalt_insert_repair_samples_copied_total");

        HttpResponse<String> started = http.post("/internal/repair", new byte[0]);
        HttpResponse<String> again = http.post("/internal/repair", new byte[0]);

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        JsonNode repair = awaitPasses(before.path("passesTotal").asLong() + 1);

        List<TimeSeries> on0 = NODES.get(0).held(TENANT, 0, Long.MAX_VALUE);
        assertThat(on0).hasSize(201);
        assertThat(NODES.get(1).held(TENANT, 0, Long.MAX_VALUE)).isEqualTo(on0);
        assertThat(repair.path("samplesCopiedTotal").asLong() - before.path("samplesCopiedTotal").asLong())
            .isEqualTo(50 * 2 * 120 + 1);
        assertThat(repair.path("blocksVerifiedTotal").asLong() - before.path("blocksVerifiedTotal").asLong())
            .isGreaterThanOrEqualTo(2);
        assertThat(repair.path("lagSeconds").asDouble()).isZero();
        assertThat(http.metric("basalt_insert_repair_samples_copied_total") - copiedBefore)
            .isEqualTo(50 * 2 * 120 + 1);
        assertThat(http.metric("basalt_insert_repair_bytes_read_total")).isPositive();
        assertThat(http.metric("basalt_insert_repair_lag_seconds")).isZero();
    }

    @Test
    void aNodeThatIsDownLeavesItsBlocksUnverifiedAndIsRetried() throws Exception {
        NODES.get(0).store(TENANT, series(10, 2 * 120));
        NODES.get(1).behave(Behaviour.DOWN);
        long passes = status().path("passesTotal").asLong();

        assertThat(http.post("/internal/repair?lookback=PT4H", new byte[0]).statusCode()).isEqualTo(202);
        JsonNode repair = awaitPasses(passes + 1);

        assertThat(repair.path("blockFailuresTotal").asLong()).isPositive();
        assertThat(repair.path("lagSeconds").asDouble()).isPositive();
        assertThat(repair.path("lastError").asString()).contains(NODES.get(1).url());
        assertThat(http.metric("basalt_insert_repair_lag_seconds")).isPositive();

        NODES.get(1).behave(Behaviour.STORE);
        assertThat(http.post("/internal/repair?lookback=PT4H", new byte[0]).statusCode()).isEqualTo(202);
        awaitPasses(passes + 2);
        assertThat(NODES.get(1).held(TENANT, 0, Long.MAX_VALUE)).isEqualTo(NODES.get(0).held(TENANT, 0,
                Long.MAX_VALUE)).hasSize(10);
    }

    @Test
    void aLookbackThatIsNoDurationIsA400() {
        HttpResponse<String> r = http.post("/internal/repair?lookback=7days", new byte[0]);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("ISO-8601");
    }

    /** Waits (bounded) until {@code n} passes completed and none runs; returns the status' repair section. */
    private JsonNode awaitPasses(long n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode repair = status();
        while (repair.path("passesTotal").asLong() < n || repair.path("running").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("repair pass " + n + " did not finish within 60 s: " + repair);
            }
            Thread.sleep(100);
            repair = status();
        }
        return repair;
    }

    private JsonNode status() {
        return JSON.readTree(http.get("/api/v1/status").body()).path("data").path("repair");
    }

    /** {@code count} series with a sample every 30 s over {@code samples} samples from T0. */
    private static List<TimeSeries> series(int count, int samples) {
        List<TimeSeries> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            long[] ts = new long[samples];
            double[] vs = new double[samples];
            for (int i = 0; i < samples; i++) {
                ts[i] = T0 + i * 30_000L;
                vs[i] = s + i * 0.25;
            }
            out.add(new TimeSeries(Labels.of("__name__", "repair_api", "id", Integer.toString(s)), ts, vs));
        }
        return out;
    }
}
