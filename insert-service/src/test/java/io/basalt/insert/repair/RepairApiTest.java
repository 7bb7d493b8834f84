package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.insert.testing.StubStorageNode.Behaviour;
import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
 * unverified and the pass retries after the back-off; the node list is the current one of the node-list file, with
 * draining nodes read and never written, and with more nodes than copies each node is refilled with exactly the series
 * it owns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A block stays verified for the life of the shared application context, so the test that needs unverified blocks
// runs first.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepairApiTest {

    private static final long HOUR = 3_600_000;

    /** Two whole hours, closed long ago and inside the lookback. */
    private static final long T0 = (System.currentTimeMillis() / HOUR - 3) * HOUR;

    private static final TenantId TENANT = new TenantId(4, 2);

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start(),
            StubStorageNode.start());

    private static Path listFile;

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) throws IOException {
        StubStorageNode.addAsStorageNodes(r, NODES);
        listFile = Files.createTempDirectory("repair-nodes").resolve("storage-nodes.txt");
        Files.writeString(listFile, NODES.get(0).url() + "\n" + NODES.get(1).url() + "\n");
        r.add("basalt.insert.storage-nodes-file", listFile::toString);
        r.add("basalt.insert.storage-nodes-check-interval", () -> "50ms");
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
    void emptyNodes() throws Exception {
        http = new InsertHttp(port);
        NODES.forEach(StubStorageNode::reset);
        useList(NODES.get(0).url(), NODES.get(1).url());
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
    @Order(1)
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
    void withThreeNodesAndTwoCopiesANodeThatLostEverythingGetsExactlyItsSeriesBack() throws Exception {
        List<String> urls = NODES.stream().map(StubStorageNode::url).toList();
        RendezvousRouter router = new RendezvousRouter(urls);
        List<TimeSeries> all = series(60, 2 * 120);
        List<List<TimeSeries>> owned = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (TimeSeries ts : all) {
            int[] owners = new int[2];
            router.pick(SeriesHash.of(TENANT, ts.labels()), n -> true, owners);
            owned.get(owners[0]).add(ts);
            owned.get(owners[1]).add(ts);
        }
        NODES.get(0).store(TENANT, owned.get(0));
        NODES.get(1).store(TENANT, owned.get(1)); // storage-3 lost its disk
        useList(urls.get(0), urls.get(1), urls.get(2));
        long passes = status().path("passesTotal").asLong();

        assertThat(http.post("/internal/repair", new byte[0]).statusCode()).isEqualTo(202);
        JsonNode repaired = awaitPasses(passes + 1);

        assertThat(repaired.path("lastError").isNull()).as(repaired.toString()).isTrue();
        for (int n = 0; n < 3; n++) {
            assertThat(NODES.get(n).held(TENANT, 0, Long.MAX_VALUE)).as("storage-%d holds exactly what it owns", n + 1)
                .containsExactlyInAnyOrderElementsOf(owned.get(n));
        }
        assertThat(owned.get(2)).as("storage-3 owns series of both its pairs")
            .anyMatch(ts -> owned.get(0).contains(ts)).anyMatch(ts -> owned.get(1).contains(ts));
        assertThat(NODES.get(0).requests() + NODES.get(1).requests()).as("writes to nodes that lacked nothing")
            .isZero();
    }

    @Test
    void aDrainingNodeIsReadButNeverWritten() throws Exception {
        List<TimeSeries> all = series(20, 2 * 120);
        NODES.get(0).store(TENANT, all);
        NODES.get(1).store(TENANT, all.subList(0, 15));
        TimeSeries onlyDraining = new TimeSeries(Labels.of("__name__", "only_on_draining"),
                new long[] { T0 + 2_000 }, new double[] { 5 });
        NODES.get(2).store(TENANT, List.of(onlyDraining));
        useList(NODES.get(0).url(), NODES.get(1).url(), NODES.get(2).url() + " draining");
        long passes = status().path("passesTotal").asLong();

        assertThat(http.post("/internal/repair", new byte[0]).statusCode()).isEqualTo(202);
        JsonNode repaired = awaitPasses(passes + 1);

        assertThat(repaired.path("lastError").isNull()).as(repaired.toString()).isTrue();
        List<TimeSeries> on0 = NODES.get(0).held(TENANT, 0, Long.MAX_VALUE);
        assertThat(on0).hasSize(21).contains(onlyDraining);
        assertThat(NODES.get(1).held(TENANT, 0, Long.MAX_VALUE)).isEqualTo(on0);
        assertThat(NODES.get(2).requests()).as("writes to the draining node").isZero();
    }

    @Test
    void aPassTagsItsStorageCallsByApiNotByHashRange() throws Exception {
        List<TimeSeries> all = series(200, 2);
        NODES.get(0).store(TENANT, all);
        NODES.get(1).store(TENANT, all.subList(0, 100)); // differs in about a hundred sub-ranges
        long passes = status().path("passesTotal").asLong();

        assertThat(http.post("/internal/repair", new byte[0]).statusCode()).isEqualTo(202);
        awaitPasses(passes + 1);

        // One uri tag per range would hit Micrometer's cap on uri tags, which then drops every later request's timing.
        assertThat(http.clientUriTags()).as("uri tags of the insert node's requests to storage")
            .contains("/internal/digest?prefix={prefix}&prefixBits={prefixBits}&bucketBits={bucketBits}",
                    "/internal/search?prefix={prefix}&prefixBits={prefixBits}")
            .allSatisfy(uri -> assertThat(uri).doesNotContainPattern("=[0-9]"))
            .hasSizeLessThanOrEqualTo(5);
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

    /** Writes the node-list file and waits (bounded) until the insert node uses it. */
    private void useList(String... lines) throws Exception {
        Files.writeString(listFile, String.join("\n", lines) + "\n");
        List<String> urls = new ArrayList<>();
        for (String line : lines) {
            urls.add(line.split(" ")[0]);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode used = storageNodes();
        while (!(used.path("nodes").toString() + used.path("draining").size()).equals(
                JSON.valueToTree(urls).toString() + (int) Arrays.stream(lines).filter(l -> l.endsWith("draining"))
                    .count())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node list " + List.of(lines) + " not in use within 10 s: " + used);
            }
            Thread.sleep(25);
            used = storageNodes();
        }
    }

    private JsonNode storageNodes() {
        return JSON.readTree(http.get("/api/v1/status").body()).path("data").path("storageNodes");
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
