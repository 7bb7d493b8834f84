package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.model.RendezvousRouter;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.OwnerSet;
import io.basalt.wire.cluster.ScopedSearchQuery;
import io.basalt.wire.cluster.ReplicaDigests;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.StringListCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /internal/digest} as a repairer would use it: a node's digests equal those computed from the series it was
 * given, one extra sample changes exactly the sub-range of its series, and descending into that sub-range finds it;
 * with an owner set in the body, digests and searches cover exactly the series that set owns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplicaDigestTest {

    private static final TenantId TENANT = new TenantId(11, 0);

    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @LocalServerPort
    int port;

    @Test
    void digestsMatchWhatTheNodeWasGivenAndPointToTheRangeThatDiffers() {
        InternalClient client = new InternalClient(port);
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            series.add(new TimeSeries(Labels.of("__name__", "digest_test", "id", Integer.toString(i)),
                    new long[] { T0, T0 + 1000 }, new double[] { i, Double.NaN }));
        }
        assertThat(client.insert(TENANT, series).statusCode()).isEqualTo(204);
        ReplicaDigests expected = new ReplicaDigests(0, 0, 4);
        series.forEach(ts -> expected.add(SeriesHash.of(TENANT, ts.labels()), ts));

        assertThat(digest(client, 0, 0, 4)).isEqualTo(expected);

        TimeSeries changed = series.get(17);
        long hash = SeriesHash.of(TENANT, changed.labels());
        int bucket = (int) (hash >>> 60);
        assertThat(client.insert(TENANT, List.of(new TimeSeries(changed.labels(), new long[] { T0 + 2000 },
                new double[] { 1 }))).statusCode()).isEqualTo(204);
        ReplicaDigests after = digest(client, 0, 0, 4);
        for (int b = 0; b < after.size(); b++) {
            assertThat(after.sameAt(expected, b)).as("sub-range %d", b).isEqualTo(b != bucket);
        }

        ReplicaDigests narrower = digest(client, bucket, 4, 8);
        int inner = (int) ((hash << 4) >>> 56);
        assertThat(narrower.samples(inner)).as("the changed series' sub-range one level down").isGreaterThan(2);
        long total = 0;
        for (int b = 0; b < narrower.size(); b++) {
            total += narrower.series(b);
        }
        assertThat(total).isEqualTo(after.series(bucket));
        double timed = client.get("/actuator/prometheus").body().lines()
            .filter(l -> l.startsWith("basalt_storage_select_duration_seconds_count{api=\"digest\""))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
        assertThat(timed).as("digests are timed like other reads: this test asked for three").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRepairerReadsBackOneHashRangeAndListsTheTenants() {
        InternalClient client = new InternalClient(port);
        TenantId other = new TenantId(12, 3);
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            series.add(new TimeSeries(Labels.of("__name__", "range_test", "id", Integer.toString(i)),
                    new long[] { T0 }, new double[] { i }));
        }
        assertThat(client.insert(other, series).statusCode()).isEqualTo(204);
        HashRange range = new HashRange(5, 3);
        Set<Labels> expected = new HashSet<>();
        for (TimeSeries ts : series) {
            if (range.contains(SeriesHash.of(other, ts.labels()))) {
                expected.add(ts.labels());
            }
        }
        assertThat(expected).as("test data has series both in and out of the range").isNotEmpty().hasSizeLessThan(100);

        HttpResponse<byte[]> r = client.postForBytes("/internal/search?" + range.queryParams(),
                SearchQuery.CONTENT_TYPE, new SearchQuery(other, T0 - 1, T0 + 1, List.of(), 0).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        Set<Labels> got = new HashSet<>();
        RowsCodec.decode(r.body()).series().forEach(ts -> got.add(ts.labels()));
        assertThat(got).isEqualTo(expected);

        HttpResponse<byte[]> tenants = client.postForBytes("/internal/tenants", SearchQuery.CONTENT_TYPE,
                query().encode());
        assertThat(tenants.statusCode()).isEqualTo(200);
        assertThat(StringListCodec.decode(tenants.body())).contains("12:3");
    }

    @Test
    void anOwnerSetLimitsDigestsAndSearchesToTheSeriesItOwnsExactly() {
        InternalClient client = new InternalClient(port);
        TenantId tenant = new TenantId(13, 0);
        List<String> placement = List.of("http://storage-1:8482", "http://storage-2:8482", "http://storage-3:8482");
        RendezvousRouter router = new RendezvousRouter(placement);
        List<TimeSeries> series = new ArrayList<>();
        Map<Set<Integer>, Set<Labels>> byOwners = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            TimeSeries ts = new TimeSeries(Labels.of("__name__", "owner_test", "id", Integer.toString(i)),
                    new long[] { T0, T0 + 1000 }, new double[] { i, i + 1 });
            series.add(ts);
            int[] owners = new int[2];
            router.pick(SeriesHash.of(tenant, ts.labels()), n -> true, owners);
            byOwners.computeIfAbsent(Set.of(owners[0], owners[1]), o -> new HashSet<>()).add(ts.labels());
        }
        assertThat(client.insert(tenant, series).statusCode()).isEqualTo(204);
        assertThat(byOwners).as("test data in every pair").hasSize(3);
        SearchQuery whole = new SearchQuery(tenant, T0 - 1, T0 + 60_000, List.of(), 0);

        long seriesOverPairs = 0;
        for (int[] pair : new int[][] { { 0, 1 }, { 0, 2 }, { 1, 2 } }) {
            byte[] body = new ScopedSearchQuery(whole, new OwnerSet(placement, pair)).encode();
            Set<Labels> expected = byOwners.get(Set.of(pair[0], pair[1]));

            HttpResponse<byte[]> d = client.postForBytes("/internal/digest?bucketBits=4", SearchQuery.CONTENT_TYPE,
                    body);
            assertThat(d.statusCode()).isEqualTo(200);
            ReplicaDigests digests = ReplicaDigests.decode(d.body());
            long seriesInDigest = 0;
            for (int b = 0; b < digests.size(); b++) {
                seriesInDigest += digests.series(b);
            }
            assertThat(seriesInDigest).as("series digested for owners %s", Arrays.toString(pair))
                .isEqualTo(expected.size());
            seriesOverPairs += seriesInDigest;

            HttpResponse<byte[]> r = client.postForBytes("/internal/search", SearchQuery.CONTENT_TYPE, body);
            assertThat(r.statusCode()).isEqualTo(200);
            Set<Labels> got = new HashSet<>();
            RowsCodec.decode(r.body()).series().forEach(ts -> got.add(ts.labels()));
            assertThat(got).as("series read for owners %s", Arrays.toString(pair)).isEqualTo(expected);
        }
        assertThat(seriesOverPairs).isEqualTo(300);

        byte[] unscoped = ScopedSearchQuery.unscoped(whole).encode();
        assertThat(RowsCodec.decode(client.postForBytes("/internal/search", SearchQuery.CONTENT_TYPE, unscoped)
            .body()).series()).as("no owner set: every series, as before").hasSize(300);
    }

    @Test
    void anOwnerSetThatIsNoneIsA400() {
        InternalClient client = new InternalClient(port);
        byte[] good = new ScopedSearchQuery(query(), new OwnerSet(List.of("http://a", "http://b"), new int[] { 1 }))
            .encode();
        byte[] bad = good.clone();
        // The owner position is the byte before the search query's magic: point it past the two nodes.
        int search = indexOf(bad, "BSQ1".getBytes(StandardCharsets.US_ASCII));
        bad[search - 1] = 5;

        HttpResponse<String> r = client.post("/internal/digest", SearchQuery.CONTENT_TYPE, bad);
        HttpResponse<String> s = client.post("/internal/search", SearchQuery.CONTENT_TYPE, bad);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("owner position 5");
        assertThat(s.statusCode()).isEqualTo(400);
        assertThat(client.post("/internal/digest", SearchQuery.CONTENT_TYPE, good).statusCode()).isEqualTo(200);
    }

    private static int indexOf(byte[] body, byte[] part) {
        for (int i = 0; i + part.length <= body.length; i++) {
            if (Arrays.equals(body, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not in the body");
    }

    @Test
    void aRangeThatIsNoRangeIsA400() {
        InternalClient client = new InternalClient(port);
        HttpResponse<String> r = client.post("/internal/digest?prefixBits=60&bucketBits=8", SearchQuery.CONTENT_TYPE,
                query().encode());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("bucketBits");
    }

    private static ReplicaDigests digest(InternalClient client, long prefix, int prefixBits, int bucketBits) {
        HttpResponse<byte[]> r = client.postForBytes("/internal/digest?prefix=" + Long.toUnsignedString(prefix)
                + "&prefixBits=" + prefixBits + "&bucketBits=" + bucketBits, SearchQuery.CONTENT_TYPE,
                query().encode());
        assertThat(r.statusCode()).isEqualTo(200);
        return ReplicaDigests.decode(r.body());
    }

    private static SearchQuery query() {
        return new SearchQuery(TENANT, T0 - 1, T0 + 60_000, List.of(), 0);
    }
}
