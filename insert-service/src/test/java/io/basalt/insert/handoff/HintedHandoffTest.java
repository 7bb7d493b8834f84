package io.basalt.insert.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.insert.testing.StubStorageNode.Behaviour;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shipped topology (two storage nodes, two copies) with a hint path: one node down stops no write, the copies it
 * missed are delivered when it is back, and nothing is acknowledged without at least one stored copy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HintedHandoffTest {

    private static final long T0 = 1_700_000_000_000L;

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start());

    private static final Path HINTS = tempDir();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        StubStorageNode.addAsStorageNodes(r, NODES);
        r.add("basalt.insert.hint-path", HINTS::toString);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void allNodesHealthy() throws InterruptedException {
        http = new InsertHttp(port);
        NODES.forEach(StubStorageNode::reset);
        awaitNothingOwed();
        NODES.forEach(StubStorageNode::clear);
    }

    @Test
    void withOneOfTwoNodesDownWritesAreAcknowledgedAndTheMissedCopiesArriveWhenItIsBack() throws Exception {
        NODES.get(1).behave(Behaviour.DOWN);
        List<TimeSeries> first = series("handoff_a", 50);
        List<TimeSeries> second = series("handoff_b", 50);

        HttpResponse<String> r1 = http.remoteWrite(first);
        HttpResponse<String> r2 = http.remoteWrite(second);

        assertThat(r1.statusCode()).as(r1.body()).isEqualTo(204);
        assertThat(r2.statusCode()).as(r2.body()).isEqualTo(204);
        assertThat(new HashSet<>(NODES.get(0).series())).containsAll(first).containsAll(second);
        assertThat(http.metric("basalt_insert_hints_pending", NODES.get(1).url())).isPositive();
        assertThat(http.metric("basalt_insert_hinted_rows_total")).isGreaterThanOrEqualTo(100);
        assertThat(http.get("/api/v1/status").body()).contains("\"handoff\"").contains("\"pendingBlocks\"");

        NODES.get(1).behave(Behaviour.STORE);
        awaitNothingOwed();

        assertThat(new HashSet<>(NODES.get(1).series())).as("the returning node got every copy it missed")
            .containsAll(first).containsAll(second);
        assertThat(http.metric("basalt_insert_hints_delivered_total", NODES.get(1).url())).isPositive();
    }

    @Test
    void aNodeThatFailsDuringTheWriteIsOwedItsCopyToo() throws Exception {
        NODES.get(0).behave(Behaviour.BUSY_503);
        List<TimeSeries> series = series("handoff_busy", 20);

        HttpResponse<String> r = http.remoteWrite(series);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(new HashSet<>(NODES.get(1).series())).containsAll(series);
        NODES.get(0).behave(Behaviour.STORE);
        awaitNothingOwed();
        assertThat(new HashSet<>(NODES.get(0).series())).containsAll(series);
    }

    @Test
    void withEveryNodeDownNothingIsAcknowledged() {
        NODES.forEach(n -> n.behave(Behaviour.DOWN));

        HttpResponse<String> r = http.remoteWrite(series("handoff_none", 5));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(http.metric("basalt_insert_hints_pending")).as("copies owed for a write that was refused")
            .isZero();
    }

    private void awaitNothingOwed() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (http.metric("basalt_insert_hints_pending", NODES.get(0).url()) == 0
                    && http.metric("basalt_insert_hints_pending", NODES.get(1).url()) == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("owed copies were not delivered within 30 s: " + http.get("/api/v1/status").body());
    }

    private static List<TimeSeries> series(String name, int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", name, "id", Integer.toString(i)), T0, i));
        }
        return out;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hints");
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
