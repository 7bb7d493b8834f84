package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.tsdb.TsdbEngine;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The internal API as insert and select nodes use it: streamed search answers that decode as one rows block,
 * admission limits that queue and then refuse with 503 + Retry-After, and 400 for bodies that can never succeed.
 * One slot each for inserts and selects, so a test can occupy it; samples may be at most an hour ahead.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.storage.max-concurrent-inserts=1", "basalt.storage.max-concurrent-selects=1",
    "basalt.storage.insert-queue-duration=400ms", "basalt.storage.select-queue-duration=400ms",
    "basalt.storage.future-retention=1h" })
class InternalApiTest {

    private static final TenantId TENANT = new TenantId(7, 3);

    /** Inside the default one-year retention. */
    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    TsdbEngine engine;

    @Autowired
    @Qualifier("selectGate")
    AdmissionGate selectGate;

    @Autowired
    @Qualifier("insertGate")
    AdmissionGate insertGate;

    @Autowired
    MeterRegistry registry;

    InternalClient client;

    @BeforeEach
    void client() {
        client = new InternalClient(port);
    }

    @Test
    void aLargeSearchAnswerIsStreamedAsExactlyOneRowsBlockWithEverySampleBitForBit() {
        List<TimeSeries> written = series("streamed", 1500, 120);
        assertThat(client.insert(TENANT, written).statusCode()).isEqualTo(204);
        SearchQuery q = new SearchQuery(TENANT, T0, T0 + 3_600_000,
                List.of(LabelMatcher.equal("__name__", "streamed")), 0);

        HttpResponse<byte[]> r = client.search(q);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith(RowsCodec.CONTENT_TYPE));
        // Several chunks long, and still the very bytes a one-piece encoding of the engine's answer would give.
        assertThat(r.body().length).isGreaterThan(4 * 256 * 1024);
        List<TimeSeries> found = new ArrayList<>();
        engine.search(TENANT, q.matchers(), q.minTime(), q.maxTime(), found::add);
        assertThat(r.body()).isEqualTo(RowsCodec.encode(TENANT, found));
        RowsCodec.Rows rows = RowsCodec.decode(r.body());
        assertThat(rows.tenant()).isEqualTo(TENANT);
        assertThat(rows.series()).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void searchHonoursTheLimitAndAnEmptyAnswerIsAnEmptyRowsBlock() {
        assertThat(client.insert(TENANT, series("limited", 50, 3)).statusCode()).isEqualTo(204);

        HttpResponse<byte[]> limited = client.search(new SearchQuery(TENANT, T0, T0 + 3_600_000,
                List.of(LabelMatcher.equal("__name__", "limited")), 10));
        HttpResponse<byte[]> none = client.search(new SearchQuery(TENANT, T0, T0 + 3_600_000,
                List.of(LabelMatcher.equal("__name__", "absent")), 0));
        HttpResponse<byte[]> otherTenant = client.search(new SearchQuery(new TenantId(8, 0), T0, T0 + 3_600_000,
                List.of(LabelMatcher.equal("__name__", "limited")), 0));

        assertThat(RowsCodec.decode(limited.body()).series()).hasSize(10);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(RowsCodec.decode(none.body()).series()).isEmpty();
        assertThat(RowsCodec.decode(otherTenant.body()).series()).isEmpty();
    }

    @Test
    void aSearchWaitsForTheBusySelectSlotAndRunsWhenItFrees() throws Exception {
        assertThat(client.insert(TENANT, series("queued", 3, 2)).statusCode()).isEqualTo(204);
        Disposable occupant = selectGate.run(Mono::never).subscribe();
        CompletableFuture<HttpResponse<byte[]>> waiting;
        try {
            waiting = client.searchAsync(new SearchQuery(TENANT, T0, T0 + 3_600_000,
                    List.of(LabelMatcher.equal("__name__", "queued")), 0));
            awaitGauge("basalt_storage_select_queue_size", 1);
        }
        finally {
            occupant.dispose();
        }
        HttpResponse<byte[]> r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(RowsCodec.decode(r.body()).series()).hasSize(3);
        assertThat(gauge("basalt_storage_select_queue_size")).isZero();
    }

    @Test
    void aSearchThatWaitsTooLongForASlotGets503WithRetryAfter() {
        Disposable occupant = selectGate.run(Mono::never).subscribe();
        try {
            HttpResponse<byte[]> r = client.search(new SearchQuery(TENANT, T0, T0 + 1, List.of(), 0));

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(new String(r.body())).contains("storage selects");
        }
        finally {
            occupant.dispose();
        }
    }

    @Test
    void anInsertThatWaitsTooLongForASlotGets503AndItsRowsCountAsRejected() {
        double before = rejected("basalt_storage_rows_rejected", "too_busy");
        double requestsBefore = rejected("basalt_storage_insert_requests_rejected", "too_busy");
        Disposable occupant = insertGate.run(Mono::never).subscribe();
        try {
            HttpResponse<String> r = client.insert(TENANT, series("refused", 4, 5));

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.body()).contains("storage inserts");
        }
        finally {
            occupant.dispose();
        }
        assertThat(rejected("basalt_storage_rows_rejected", "too_busy") - before).isEqualTo(20);
        assertThat(rejected("basalt_storage_insert_requests_rejected", "too_busy") - requestsBefore).isEqualTo(1);
        assertThat(client.insert(TENANT, series("refused", 4, 5)).statusCode()).isEqualTo(204);
    }

    @Test
    void samplesTooFarAheadAreDroppedAloneAndCountedWhileTheInsertSucceeds() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000;
        double before = futureRows();
        TimeSeries mixed = new TimeSeries(Labels.of("__name__", "clock_skew"),
                new long[] { now - 60_000, now + 1_800_000, now + 7_200_000, now + 7_200_001 },
                new double[] { 1, 2, 3, 4 });

        assertThat(client.insert(TENANT, List.of(mixed)).statusCode()).isEqualTo(204);

        HttpResponse<byte[]> r = client.search(new SearchQuery(TENANT, now - 3_600_000, Long.MAX_VALUE,
                List.of(LabelMatcher.equal("__name__", "clock_skew")), 0));
        assertThat(RowsCodec.decode(r.body()).series()).containsExactly(new TimeSeries(mixed.labels(),
                new long[] { now - 60_000, now + 1_800_000 }, new double[] { 1, 2 }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (futureRows() - before < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50); // the engine's figures are read at most once a second
        }
        assertThat(futureRows() - before).isEqualTo(2);
        assertThat(client.get("/api/v1/status").body()).contains("\"futureRetention\":\"PT1H\"");
    }

    private double futureRows() {
        return registry.get("basalt_storage_rows_rejected").tag("reason", "too_far_in_future").functionCounter()
            .count();
    }

    @Test
    void bodiesThatAreNotOurBinaryFormatsAre400AndStoreNothing() {
        long ingested = engine.status().rowsIngested();
        double malformed = rejected("basalt_storage_insert_requests_rejected", "malformed");

        HttpResponse<String> insert = client.post("/internal/insert", RowsCodec.CONTENT_TYPE,
                "not a rows block".getBytes());
        byte[] truncated = RowsCodec.encode(TENANT, series("cut", 1, 10));
        HttpResponse<String> cut = client.post("/internal/insert", RowsCodec.CONTENT_TYPE,
                java.util.Arrays.copyOf(truncated, truncated.length - 3));
        HttpResponse<String> search = client.post("/internal/search", SearchQuery.CONTENT_TYPE, new byte[] { 1, 2 });

        assertThat(insert.statusCode()).isEqualTo(400);
        assertThat(insert.body()).contains("rows block");
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(search.statusCode()).isEqualTo(400);
        assertThat(engine.status().rowsIngested()).isEqualTo(ingested);
        assertThat(rejected("basalt_storage_insert_requests_rejected", "malformed") - malformed).isEqualTo(2);
    }

    @Test
    void deleteSeriesRemovesTheMatchingSeriesOfOneTenantOnlyAndSaysHowMany() {
        TenantId other = new TenantId(8, 0);
        List<TimeSeries> written = series("doomed", 3, 4);
        assertThat(client.insert(TENANT, written).statusCode()).isEqualTo(204);
        assertThat(client.insert(other, written).statusCode()).isEqualTo(204);
        // Two of the three, including samples already in parts and just-written ones still in memory.
        assertThat(client.post("/internal/force_flush", "text/plain", new byte[0]).statusCode()).isEqualTo(204);
        assertThat(client.insert(TENANT, series("doomed", 3, 5)).statusCode()).isEqualTo(204);
        List<LabelMatcher> matchers = List.of(LabelMatcher.equal("__name__", "doomed"),
                LabelMatcher.of(LabelMatcher.Type.REGEX, "instance", "host-0|host-2"));

        // The time range of the query does not narrow a delete: whole series go.
        HttpResponse<String> deleted = client.post("/internal/delete_series", SearchQuery.CONTENT_TYPE,
                new SearchQuery(TENANT, T0, T0 + 1, matchers, 1).encode());
        HttpResponse<String> again = client.post("/internal/delete_series", SearchQuery.CONTENT_TYPE,
                new SearchQuery(TENANT, T0, T0 + 1, matchers, 0).encode());
        HttpResponse<String> everything = client.post("/internal/delete_series", SearchQuery.CONTENT_TYPE,
                new SearchQuery(TENANT, T0, T0 + 1, List.of(), 0).encode());

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"deletedSeries\":2}");
        assertThat(again.body()).isEqualTo("{\"deletedSeries\":0}");
        assertThat(everything.statusCode()).isEqualTo(400);
        SearchQuery all = new SearchQuery(TENANT, T0, T0 + 3_600_000, List.of(LabelMatcher.equal("__name__",
                "doomed")), 0);
        assertThat(RowsCodec.decode(client.search(all).body()).series()).extracting(s -> s.labels().get("instance"))
            .containsExactly("host-1");
        SearchQuery otherTenant = new SearchQuery(other, T0, T0 + 3_600_000, all.matchers(), 0);
        assertThat(RowsCodec.decode(client.search(otherTenant).body()).series())
            .containsExactlyInAnyOrderElementsOf(written);
    }

    /** A GET can come from any page a browser loads (an image tag), with the browser's stored credentials. */
    @Test
    void endpointsThatChangeTheNodeRefuseGetWith405NamingPost() {
        assertThat(client.insert(TENANT, series("kept", 2, 3)).statusCode()).isEqualTo(204);
        String snapshot = client.post("/snapshot/create", "text/plain", new byte[0]).body()
            .replaceAll(".*\"snapshot\":\"([^\"]+)\".*", "$1");

        for (String path : List.of("/internal/force_flush", "/internal/force_merge", "/internal/delete_series",
                "/snapshot/create", "/snapshot/delete?snapshot=" + snapshot, "/snapshot/delete_all")) {
            HttpResponse<String> r = client.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(405);
            assertThat(r.headers().allValues("Allow")).as(path).containsExactly("POST");
            assertThat(r.body()).as(path).isEqualTo("405 GET is not allowed on " + path.replaceAll("\\?.*", "")
                    + ": use POST (this endpoint changes or deletes data, so it takes POST only, unlike "
                    + "VictoriaMetrics' GET examples)\n");
        }
        // nothing happened: the snapshot is still there, listing stays a GET
        assertThat(client.get("/snapshot/list").body()).contains(snapshot);
        assertThat(client.post("/snapshot/delete?snapshot=" + snapshot, "text/plain", new byte[0]).statusCode())
            .isEqualTo(200);
    }

    @Test
    void forceFlushMovesJustWrittenSamplesIntoPartsThatStillAnswer() {
        assertThat(client.insert(TENANT, series("flushed", 5, 10)).statusCode()).isEqualTo(204);
        assertThat(engine.status().headSamples()).isPositive();

        assertThat(client.post("/internal/force_flush", "text/plain", new byte[0]).statusCode()).isEqualTo(204);

        assertThat(engine.status().headSamples()).isZero();
        assertThat(engine.status().parts()).isPositive();
        HttpResponse<byte[]> r = client.search(new SearchQuery(TENANT, T0, T0 + 3_600_000,
                List.of(LabelMatcher.equal("__name__", "flushed")), 0));
        assertThat(RowsCodec.decode(r.body()).series()).containsExactlyInAnyOrderElementsOf(series("flushed", 5, 10));
    }

    @Test
    void cardinalityCountsSeriesByMetricNameLabelAndPairLargestFirst() throws Exception {
        TenantId tenant = new TenantId(42, 0);
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            series.add(TimeSeries.single(Labels.of("__name__", "big", "pod", "p" + i, "zone", "a"), T0, i));
        }
        for (int i = 0; i < 3; i++) {
            series.add(TimeSeries.single(Labels.of("__name__", "small", "pod", "p" + i), T0, i));
        }
        series.add(TimeSeries.single(Labels.of("__name__", "tiny"), T0, 1));
        assertThat(client.insert(tenant, series).statusCode()).isEqualTo(204);

        HttpResponse<String> r = client.post("/internal/status/tsdb", SearchQuery.CONTENT_TYPE,
                new SearchQuery(tenant, T0, T0 + 1, List.of(), 2).encode());

        assertThat(r.statusCode()).isEqualTo(200);
        var json = new tools.jackson.databind.ObjectMapper().readTree(r.body());
        assertThat(json.path("totalSeries").asLong()).isEqualTo(10);
        assertThat(json.path("seriesCountByMetricName").toString()).isEqualTo("[[\"big\",6],[\"small\",3]]");
        assertThat(json.path("seriesCountByLabelName").toString())
            .isEqualTo("[[\"__name__\",10],[\"pod\",9]]");
        assertThat(json.path("seriesCountByLabelValuePair").toString())
            .isEqualTo("[[\"__name__=big\",6],[\"zone=a\",6]]");
    }

    @Test
    void everyStorageMetricOfTheOperationsCatalogueIsExportedFromStart() {
        String page = client.get("/actuator/prometheus").body();

        assertThat(page).contains("basalt_storage_disk_used_bytes", "basalt_storage_disk_free_bytes",
                "basalt_storage_active_series", "basalt_storage_parts", "basalt_storage_merges_total",
                "basalt_storage_insert_queue_size", "basalt_storage_select_queue_size", "basalt_storage_read_only",
                "basalt_storage_wal_size_bytes", "basalt_storage_rows_ingested_total",
                "basalt_storage_rows_rejected_total{reason=\"read_only\"",
                "basalt_storage_rows_rejected_total{reason=\"too_far_in_future\"",
                "basalt_storage_insert_requests_rejected_total{reason=\"too_large\"",
                "basalt_storage_select_duration_seconds_count{api=\"search\"");
    }

    private List<TimeSeries> series(String name, int count, int samples) {
        List<TimeSeries> out = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            long[] ts = new long[samples];
            double[] vs = new double[samples];
            for (int i = 0; i < samples; i++) {
                ts[i] = T0 + i * 15_000L;
                vs[i] = switch ((s + i) % 11) {
                    case 0 -> StaleMarker.VALUE;
                    case 1 -> Double.longBitsToDouble(0x7ff8000000000000L | s); // NaN with a payload
                    case 2 -> -0.0;
                    default -> s * 1000 + i * 0.25;
                };
            }
            out.add(new TimeSeries(Labels.of("__name__", name, "instance", "host-" + s, "job", "node"), ts, vs));
        }
        return out;
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double rejected(String name, String reason) {
        return registry.get(name).tag("reason", reason).counter().count();
    }

    private void awaitGauge(String name, double value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gauge(name) != value && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gauge(name)).isEqualTo(value);
    }
}
