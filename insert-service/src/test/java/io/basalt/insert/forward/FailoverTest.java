package io.basalt.insert.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.insert.testing.StubStorageNode.Behaviour;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Placement and failover over three stub storage nodes with replicationFactor 2: a node that is down, busy or too
 * slow is left out and its series go to their next-ranked node, so writes keep succeeding with two copies; with too
 * few nodes the sender is told to retry, never told its data is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailoverTest {

    private static final long T0 = 1_700_000_000_000L;

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start(),
            StubStorageNode.start());

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        StubStorageNode.addAsStorageNodes(r, NODES);
        r.add("basalt.insert.max-concurrent-inserts", () -> 1);
        r.add("basalt.insert.insert-queue-duration", () -> "300ms");
        r.add("basalt.insert.max-insert-request-size", () -> 65_536);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void allNodesHealthy() throws InterruptedException {
        http = new InsertHttp(port);
        NODES.forEach(StubStorageNode::reset);
        // Back-off from an earlier test ends after 300 ms; wait for it rather than for a fixed time.
        for (int i = 0; i < 100 && http.get("/api/v1/status").body().contains("\"healthy\":false"); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void eachSeriesIsOnItsTwoTopRankedNodes() {
        List<TimeSeries> series = series("placement", 300);
        RendezvousRouter router = new RendezvousRouter(NODES.stream().map(StubStorageNode::url).toList());

        assertThat(http.remoteWrite(series).statusCode()).isEqualTo(204);

        for (TimeSeries s : series) {
            int[] top = new int[2];
            router.pick(SeriesHash.of(TenantId.DEFAULT, s.labels()), n -> true, top);
            assertThat(holders(s.labels())).containsExactlyInAnyOrder(top[0], top[1]);
        }
        NODES.forEach(n -> assertThat(n.series()).as("every node gets a share").isNotEmpty());
    }

    @Test
    void withOneNodeDownEverySeriesStillGetsTwoCopiesOnTheOthers() {
        NODES.get(0).behave(Behaviour.DOWN);
        List<TimeSeries> series = series("one_down", 200);
        double reroutedBefore = http.metric("basalt_insert_rerouted_rows_total");

        HttpResponse<String> r = http.remoteWrite(series);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(copiesOn(1)).isEqualTo(new HashSet<>(series));
        assertThat(copiesOn(2)).isEqualTo(new HashSet<>(series));
        assertThat(http.metric("basalt_insert_rerouted_rows_total")).isGreaterThan(reroutedBefore);
        assertThat(http.metric("basalt_insert_storage_errors_total", NODES.get(0).url())).isPositive();
        assertThat(http.get("/api/v1/status").body()).contains("\"lastError\":\"");
    }

    @Test
    void aBusyNodeIsLeftOutLikeADownOne() {
        NODES.get(1).behave(Behaviour.BUSY_503);
        List<TimeSeries> series = series("busy", 100);

        assertThat(http.remoteWrite(series).statusCode()).isEqualTo(204);

        assertThat(copiesOn(0)).isEqualTo(new HashSet<>(series));
        assertThat(copiesOn(2)).isEqualTo(new HashSet<>(series));
    }

    @Test
    void aNodeSlowerThanTheStorageTimeoutIsLeftOut() {
        NODES.get(2).slowBy(5_000);
        List<TimeSeries> series = series("slow", 100);

        assertThat(http.remoteWrite(series).statusCode()).isEqualTo(204);

        assertThat(copiesOn(0)).isEqualTo(new HashSet<>(series));
        assertThat(copiesOn(1)).isEqualTo(new HashSet<>(series));
    }

    @Test
    void withTooFewNodesTheSenderIsToldToRetryAndNothingIsAcknowledged() {
        NODES.get(0).behave(Behaviour.DOWN);
        NODES.get(1).behave(Behaviour.BUSY_503);

        HttpResponse<String> r = http.remoteWrite(series("two_down", 50));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("healthy storage node");
    }

    @Test
    void rowsAStorageNodeRejectsAsInvalidAreA400() {
        NODES.forEach(n -> n.behave(Behaviour.REJECT_400));

        HttpResponse<String> r = http.remoteWrite(series("rejected", 5));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("rejected rows");
    }

    @Test
    void requestsBeyondTheConcurrencyLimitWaitThenGet503WithRetryAfter() throws Exception {
        NODES.forEach(n -> n.slowBy(600));
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> http.remoteWrite(series("first", 5)));
        while (NODES.stream().mapToInt(StubStorageNode::requests).sum() == 0 && !first.isDone()) {
            Thread.sleep(10);
        }

        HttpResponse<String> second = http.remoteWrite(series("second", 5));
        HttpResponse<String> oversized = http.remoteWrite("/insert/0/prometheus/api/v1/write", new byte[70_000]);

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).contains("1");
        assertThat(second.body()).contains("insert requests");
        assertThat(oversized.statusCode()).as("refused from its Content-Length without waiting for a slot")
            .isEqualTo(413);
        assertThat(first.get().statusCode()).isEqualTo(204);
    }

    /**
     * The distinct series a node holds. A request that timed out may still have been stored, so a node can get a
     * series twice (once directly, once rerouted); copies of one series are merged when read, so only presence
     * matters.
     */
    private static Set<TimeSeries> copiesOn(int node) {
        return new HashSet<>(NODES.get(node).series());
    }

    private Set<Integer> holders(Labels labels) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < NODES.size(); i++) {
            if (NODES.get(i).labels().contains(labels)) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<TimeSeries> series(String name, int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", name, "id", Integer.toString(i)), T0, i));
        }
        return out;
    }
}
