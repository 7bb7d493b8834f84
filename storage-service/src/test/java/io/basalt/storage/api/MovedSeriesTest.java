package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.MisplacedSeriesQuery;
import io.basalt.wire.cluster.MovedSeriesDrop;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /internal/misplaced} answers exactly the series the given list does not place on the asked node, and
 * {@code /internal/drop_moved} deletes them only while the node still holds what was copied.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MovedSeriesTest {

    private static final TenantId TENANT = new TenantId(12, 0);

    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;

    private static final String ME = "http://storage-2:8482";

    private static final List<String> PLACEMENT = List.of("http://storage-1:8482", ME, "http://storage-3:8482");

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @LocalServerPort
    int port;

    @Test
    void misplacedSeriesAreAnsweredAndDroppedOnlyIfUnchanged() {
        InternalClient client = new InternalClient(port);
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            series.add(new TimeSeries(Labels.of("__name__", "moved_test", "id", Integer.toString(i)),
                    new long[] { T0, T0 + 1000 }, new double[] { i, i + 0.5 }));
        }
        assertThat(client.insert(TENANT, series).statusCode()).isEqualTo(204);
        RendezvousRouter router = new RendezvousRouter(PLACEMENT);
        List<TimeSeries> notMine = series.stream()
            .filter(ts -> !router.isOwner(SeriesHash.of(TENANT, ts.labels()), 1, 2))
            .toList();
        assertThat(notMine.size()).isBetween(70, 130);

        List<TimeSeries> answered = misplaced(client, HashRange.ALL);
        assertThat(answered).containsExactlyInAnyOrderElementsOf(notMine);
        List<TimeSeries> half = misplaced(client, new HashRange(0, 1));
        assertThat(half).allSatisfy(ts -> assertThat(SeriesHash.of(TENANT, ts.labels())).isNotNegative());

        TimeSeries late = notMine.get(0);
        MovedSeriesDrop drop = MovedSeriesDrop.of(TENANT, answered);
        assertThat(client.insert(TENANT, List.of(new TimeSeries(late.labels(), new long[] { T0 + 2000 },
                new double[] { 7 }))).statusCode()).isEqualTo(204);
        HttpResponse<String> refused = client.post("/internal/drop_moved", MovedSeriesDrop.CONTENT_TYPE,
                drop.encode());
        assertThat(refused.statusCode()).as("a sample arrived after the copy").isEqualTo(409);
        assertThat(all(client)).hasSize(300);

        HttpResponse<String> dropped = client.post("/internal/drop_moved", MovedSeriesDrop.CONTENT_TYPE,
                MovedSeriesDrop.of(TENANT, misplaced(client, HashRange.ALL)).encode());
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        assertThat(dropped.body()).isEqualTo("{\"deletedSeries\":" + notMine.size() + "}");
        assertThat(all(client)).hasSize(300 - notMine.size());
        assertThat(misplaced(client, HashRange.ALL)).isEmpty();

        MisplacedSeriesQuery asDrained = new MisplacedSeriesQuery(TENANT, HashRange.ALL, ME,
                List.of("http://storage-1:8482", "http://storage-3:8482"), 2);
        assertThat(RowsCodec.decode(client.postForBytes("/internal/misplaced", MisplacedSeriesQuery.CONTENT_TYPE,
                asDrained.encode()).body()).series()).as("a node left out of the list owns nothing")
            .hasSize(300 - notMine.size());

        assertThat(client.post("/internal/drop_moved", MovedSeriesDrop.CONTENT_TYPE, new byte[] { 1, 2 })
            .statusCode()).isEqualTo(400);
    }

    @Test
    void misplacedAndDropMovedAreTimedLikeTheOtherInternalRequests() throws InterruptedException {
        InternalClient client = new InternalClient(port);
        String misplacedCount = "basalt_storage_select_duration_seconds_count{api=\"misplaced\"";
        String dropCount = "basalt_storage_delete_duration_seconds_count{api=\"drop_moved\"";
        double misplacedBefore = metric(client, misplacedCount);
        double dropBefore = metric(client, dropCount);

        List<TimeSeries> answered = misplaced(client, HashRange.ALL);
        assertThat(client.post("/internal/drop_moved", MovedSeriesDrop.CONTENT_TYPE,
                MovedSeriesDrop.of(TENANT, answered).encode()).statusCode()).isEqualTo(200);

        // Recorded as the exchange completes, which may be just after the client has read the answer.
        awaitMetric(client, misplacedCount, misplacedBefore + 1);
        awaitMetric(client, dropCount, dropBefore + 1);
    }

    private static void awaitMetric(InternalClient client, String sample, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        double value = metric(client, sample);
        while (value < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sample + " is " + value + ", not " + atLeast + ", 5 s after the request");
            }
            Thread.sleep(20);
            value = metric(client, sample);
        }
    }

    /** The value of the first sample on {@code /actuator/prometheus} starting with {@code sample}; -1 if none. */
    private static double metric(InternalClient client, String sample) {
        for (String line : client.get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(sample)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static List<TimeSeries> misplaced(InternalClient client, HashRange range) {
        byte[] body = new MisplacedSeriesQuery(TENANT, range, ME, PLACEMENT, 2).encode();
        HttpResponse<byte[]> r = client.postForBytes("/internal/misplaced", MisplacedSeriesQuery.CONTENT_TYPE, body);
        assertThat(r.statusCode()).isEqualTo(200);
        return RowsCodec.decode(r.body()).series();
    }

    private static List<TimeSeries> all(InternalClient client) {
        return RowsCodec.decode(client.search(new SearchQuery(TENANT, 0, Long.MAX_VALUE, List.of(), 0)).body())
            .series();
    }
}
