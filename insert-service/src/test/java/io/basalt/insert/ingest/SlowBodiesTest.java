package io.basalt.insert.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.SlowSenders;
import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.BodyBudget;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The slow-body attack of issue 14 against a real insert node: 30 connections declare remote-write bodies of
 * 32–64 MiB and send 1 KB each. Ordinary writes must still be stored within a bound, the attackers must hold only
 * what they sent, and a body past the node's in-flight budget is refused with 503 and counted. Four slots and a
 * 10 s queue wait: before the fix the attackers took the slots while they sent (until the 30 s body read timeout),
 * and ordinary writes waited 10 s for 503. The bound is loose for a loaded machine and still far below that.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.insert.max-concurrent-inserts=4", "basalt.insert.insert-queue-duration=10s",
    "basalt.insert.max-insert-request-size=67108864", "basalt.server.max-in-flight-body-bytes=4MB" })
class SlowBodiesTest {

    private static final StubStorageNode NODE = StubStorageNode.start();

    private static final Duration BOUND = Duration.ofSeconds(5);

    private static final List<String> REMOTE_WRITE = List.of("Content-Type: " + RemoteWriteEncoder.CONTENT_TYPE,
            "Content-Encoding: " + RemoteWriteEncoder.CONTENT_ENCODING);

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE::url);
    }

    @AfterAll
    static void stopNode() {
        NODE.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    BodyBudget bodies;

    @Test
    void ordinaryWritesAreStoredPromptlyWhileThirtyConnectionsHoldHalfSentBodies() throws Exception {
        InsertHttp http = new InsertHttp(port);
        assertThat(http.remoteWrite(List.of(ordinary(-1))).statusCode()).as("warm-up").isEqualTo(204);
        try (SlowSenders attack = SlowSenders.open(port, "/insert/0/prometheus/api/v1/write", REMOTE_WRITE, 30,
                32L << 20, 64L << 20, 1024)) {
            Thread.sleep(300); // let the node receive what they sent
            for (int i = 0; i < 10; i++) {
                TimeSeries s = ordinary(i);
                long start = System.nanoTime();
                HttpResponse<String> r = http.remoteWrite(List.of(s));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(r.statusCode()).as("write %d: %s", i, r.body()).isEqualTo(204);
                assertThat(took).as("write %d waited for a slot held by a slow body", i).isLessThan(BOUND);
            }
            assertThat(bodies.inFlight()).as("30 half-sent bodies hold what they sent, not what they declared")
                .isLessThan(1L << 20);
            assertThat(NODE.series()).hasSize(11);
        }
    }

    private static TimeSeries ordinary(int i) {
        return new TimeSeries(Labels.of("__name__", "ordinary", "i", String.valueOf(i)),
                new long[] { 1_700_000_000_000L }, new double[] { i });
    }

    @Test
    void aBodyPastTheNodesInFlightBudgetIsRefusedWith503AndCounted() {
        InsertHttp http = new InsertHttp(port);
        double before = http.metric("basalt_request_bodies_refused_total");

        HttpResponse<String> r = http.remoteWrite("/insert/0/prometheus/api/v1/write", new byte[5 << 20]);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("basalt.server.max-in-flight-body-bytes");
        assertThat(http.metric("basalt_request_bodies_refused_total")).isEqualTo(before + 1);
        assertThat(bodies.inFlight()).isZero();
    }
}
