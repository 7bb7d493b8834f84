package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.SlowSenders;
import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.BodyBudget;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The slow-body attack of issue 14 against a real storage node: 30 connections declare internal insert bodies of
 * 32–64 MiB and send 1 KB each. Before the fix the node allocated each declared length at once (about 1.4 GiB);
 * now it holds what arrived, and ordinary inserts and searches are answered within a bound.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.storage.max-concurrent-inserts=2", "basalt.storage.insert-queue-duration=10s",
    "basalt.server.max-in-flight-body-bytes=256MB" })
class SlowBodiesTest {

    private static final TenantId TENANT = new TenantId(3, 0);

    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;

    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    BodyBudget bodies;

    @Test
    void insertsAndSearchesAreAnsweredPromptlyWhileThirtyConnectionsHoldHalfSentBodies() throws Exception {
        InternalClient client = new InternalClient(port);
        assertThat(client.insert(TENANT, List.of(sample(-1))).statusCode()).as("warm-up").isEqualTo(204);
        try (SlowSenders attack = SlowSenders.open(port, "/internal/insert",
                List.of("Content-Type: " + RowsCodec.CONTENT_TYPE), 30, 32L << 20, 64L << 20, 1024)) {
            Thread.sleep(300); // let the node receive what they sent
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = client.insert(TENANT, List.of(sample(i)));
                assertThat(r.statusCode()).as("insert %d: %s", i, r.body()).isEqualTo(204);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("insert %d", i).isLessThan(BOUND);
            }
            HttpResponse<byte[]> found = client.search(new SearchQuery(TENANT, T0 - 60_000, T0 + 60_000,
                    List.of(LabelMatcher.equal("__name__", "ordinary")), 0));
            assertThat(RowsCodec.decode(found.body()).series()).hasSize(11);
            assertThat(bodies.inFlight()).as("30 half-sent bodies hold what they sent, not what they declared")
                .isLessThan(1L << 20);
            assertThat(bodies.refusals()).as("declaring a large body costs nothing by itself").isZero();
        }
    }

    private static TimeSeries sample(int i) {
        return new TimeSeries(Labels.of("__name__", "ordinary", "i", String.valueOf(i)), new long[] { T0 },
                new double[] { i });
    }
}
