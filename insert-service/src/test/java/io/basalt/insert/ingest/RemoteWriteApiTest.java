package io.basalt.insert.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.RawWriteRequest;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Remote write as senders see it, against two stub storage nodes with replicationFactor 2: what is acknowledged is
 * on both nodes, and every kind of bad body gets its own 4xx status and message without losing stored data or the
 * node's health.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RemoteWriteApiTest {

    private static final long T0 = 1_700_000_000_000L;

    private static final int MAX_BODY = 64 * 1024;

    private static final int MAX_ROWS_PER_BLOCK = 40;

    private static final StubStorageNode NODE_A = StubStorageNode.start();

    private static final StubStorageNode NODE_B = StubStorageNode.start();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE_A::url);
        r.add("spring.cloud.discovery.client.simple.instances.storage[1].uri", NODE_B::url);
        r.add("basalt.insert.replication-factor", () -> 2);
        r.add("basalt.insert.max-insert-request-size", () -> MAX_BODY);
        r.add("basalt.insert.max-rows-per-block", () -> MAX_ROWS_PER_BLOCK);
        r.add("basalt.insert.max-labels-per-timeseries", () -> 5);
        r.add("basalt.insert.max-label-value-len", () -> 32);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void setUp() {
        http = new InsertHttp(port);
        NODE_A.clear();
        NODE_B.clear();
    }

    @AfterAll
    static void stopNodes() {
        NODE_A.close();
        NODE_B.close();
    }

    @Test
    void acknowledgesOnlyOnceEverySeriesIsOnBothNodes() {
        List<TimeSeries> series = series("rw_test", 50);

        HttpResponse<String> r = http.remoteWrite(series);

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(NODE_A.series()).containsExactlyInAnyOrderElementsOf(series);
        assertThat(NODE_B.series()).containsExactlyInAnyOrderElementsOf(series);
    }

    @Test
    void theTenantInThePathReachesStorage() {
        assertThat(http.remoteWrite("/insert/7:3/prometheus/api/v1/write",
                RemoteWriteEncoder.encode(series("tenant_test", 1))).statusCode()).isEqualTo(204);
        assertThat(NODE_A.blocks()).extracting(b -> b.tenant()).containsOnly(new TenantId(7, 3));
    }

    @Test
    void unsortedLabelsAreAcceptedAndStoredSorted() {
        byte[] body = new RawWriteRequest().series(T0, 1.5, "zone", "b", "__name__", "unsorted", "job", "api")
            .snappy();

        assertThat(http.remoteWrite("/insert/0/prometheus/api/v1/write", body).statusCode()).isEqualTo(204);

        Labels stored = NODE_A.labels().get(0);
        assertThat(stored).isEqualTo(Labels.of("__name__", "unsorted", "job", "api", "zone", "b"));
        assertThat(List.of(stored.name(0), stored.name(1), stored.name(2))).containsExactly("__name__", "job", "zone");
    }

    @Test
    void aRequestWithMoreSeriesThanMaxRowsPerBlockReachesEachNodeInSeveralBlocks() {
        List<TimeSeries> series = series("chunked", 250);

        HttpResponse<String> r = http.remoteWrite(series);

        assertThat(r.statusCode()).isEqualTo(204);
        for (StubStorageNode node : List.of(NODE_A, NODE_B)) {
            assertThat(node.blocks()).as("250 series in blocks of at most 40").hasSize(7)
                .allSatisfy(b -> assertThat(b.series()).hasSizeLessThanOrEqualTo(MAX_ROWS_PER_BLOCK));
            assertThat(node.series()).containsExactlyInAnyOrderElementsOf(series);
        }
    }

    @Test
    void aSenderStillWritingAnOversizedBodyReadsThe413InsteadOfABrokenConnection() {
        byte[] huge = new byte[400 * MAX_BODY];
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http.remoteWrite("/insert/0/prometheus/api/v1/write", huge);

            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("exceeds the limit");
        }
    }

    @Test
    void aMissingContentTypeIsAcceptedAsPrometheusDoes() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/write",
                RemoteWriteEncoder.encode(series("no_type", 1)));
        assertThat(r.statusCode()).isEqualTo(204);
    }

    @Test
    void theRemoteWrite1ProtoParameterIsAccepted() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/write",
                RemoteWriteEncoder.encode(series("proto_param", 1)), "Content-Type",
                "application/x-protobuf;proto=prometheus.WriteRequest", "Content-Encoding", "snappy");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    static Stream<Arguments> badBodies() {
        byte[] good = RemoteWriteEncoder.encode(series("bad_matrix", 20));
        String path = "/insert/0/prometheus/api/v1/write";
        String[] rw = { "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy" };
        byte[] invalidUtf8 = { 'a', (byte) 0xC3, (byte) 0x28 };
        byte[] snappyBomb = { (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01, 0x00 };
        return Stream.of(
                Arguments.of("not snappy", path, "this is not snappy".getBytes(StandardCharsets.UTF_8), rw, 400,
                        "snappy:"),
                Arguments.of("snappy but not protobuf", path, new RawSnappy("\u00ff\u00ff\u00ff garbage").bytes(),
                        rw, 400, "protobuf:"),
                Arguments.of("truncated body", path, Arrays.copyOf(good, good.length / 2), rw, 400, "snappy:"),
                Arguments.of("oversized body", path, new byte[MAX_BODY + 1], rw, 413, "request body of"),
                Arguments.of("decompression bomb", path, snappyBomb, rw, 413, "request too large"),
                Arguments.of("duplicate label name", path, new RawWriteRequest()
                    .series(T0, 1, "__name__", "dup", "job", "a", "job", "b").snappy(), rw, 400,
                        "invalid labels: duplicate label name \"job\""),
                Arguments.of("empty label name", path, new RawWriteRequest()
                    .series(T0, 1, "__name__", "empty", "", "x").snappy(), rw, 400, "invalid labels: empty label name"),
                Arguments.of("invalid UTF-8", path, new RawWriteRequest()
                    .series(T0, 1, "__name__".getBytes(StandardCharsets.UTF_8), invalidUtf8).snappy(), rw, 400,
                        "invalid value of label \"__name__\": not valid UTF-8"),
                Arguments.of("JSON content type", path, good,
                        new String[] { "Content-Type", "application/json", "Content-Encoding", "snappy" }, 415,
                        "unsupported Content-Type 'application/json'"),
                Arguments.of("remote write 2.0", path, good, new String[] { "Content-Type",
                    "application/x-protobuf;proto=io.prometheus.write.v2.Request", "Content-Encoding", "snappy" },
                        415, "unsupported Content-Type"),
                Arguments.of("gzip instead of snappy", path, InsertHttp.gzip(good), new String[] { "Content-Type",
                    "application/x-protobuf", "Content-Encoding", "gzip" }, 415, "unsupported Content-Encoding 'gzip'"),
                Arguments.of("tenant not a number", "/insert/abc/prometheus/api/v1/write", good, rw, 400,
                        "invalid tenant 'abc'"),
                Arguments.of("tenant with three parts", "/insert/1:2:3/prometheus/api/v1/write", good, rw, 400,
                        "invalid tenant '1:2:3'"),
                Arguments.of("tenant out of range", "/insert/4294967296/prometheus/api/v1/write", good, rw, 400,
                        "invalid tenant"),
                Arguments.of("malformed extra_label", path + "?extra_label=novalue", good, rw, 400,
                        "invalid extra_label 'novalue'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadRequestGetsItsOwnStatusAndMessageAndLosesNothingStored(String name, String path, byte[] body,
            String[] headers, int status, String message) {
        List<TimeSeries> before = series("kept", 10);
        assertThat(http.remoteWrite(before).statusCode()).isEqualTo(204);

        HttpResponse<String> r = http.post(path, body, headers);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(message);
        assertThat(r.headers().firstValue("connection")).as("a refused body may be unread: the connection must not "
                + "be reused").contains("close");
        assertThat(NODE_A.series()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(NODE_B.series()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(http.remoteWrite(series("after", 3)).statusCode()).isEqualTo(204);
    }

    @Test
    void refusalsAreCountedByReason() {
        double before = http.metric("basalt_insert_requests_rejected_total", "reason=\"snappy\"");

        http.remoteWrite("/insert/0/prometheus/api/v1/write", new byte[] { 1, 2, 3 });

        assertThat(http.metric("basalt_insert_requests_rejected_total", "reason=\"snappy\"")).isEqualTo(before + 1);
    }

    @Test
    void aSeriesOverALimitIsDroppedAloneAndCountedByReason() {
        TimeSeries tooManyLabels = TimeSeries.single(Labels.of("__name__", "wide", "a", "1", "b", "2", "c", "3",
                "d", "4", "e", "5"), T0, 1);
        TimeSeries longValue = TimeSeries.single(Labels.of("__name__", "long", "path", "x".repeat(33)), T0, 1);
        List<TimeSeries> fine = series("fine", 5);
        List<TimeSeries> all = new ArrayList<>(fine);
        all.add(2, tooManyLabels);
        all.add(longValue);
        double labelsBefore = http.metric("basalt_insert_rows_rejected_total", "reason=\"too_many_labels\"");
        double valueBefore = http.metric("basalt_insert_rows_rejected_total", "reason=\"label_value_too_long\"");

        assertThat(http.remoteWrite(all).statusCode()).isEqualTo(204);

        assertThat(NODE_A.series()).containsExactlyInAnyOrderElementsOf(fine);
        assertThat(http.metric("basalt_insert_rows_rejected_total", "reason=\"too_many_labels\""))
            .isEqualTo(labelsBefore + 1);
        assertThat(http.metric("basalt_insert_rows_rejected_total", "reason=\"label_value_too_long\""))
            .isEqualTo(valueBefore + 1);
    }

    @Test
    void extraLabelsFromTheQueryOverrideLabelsInTheData() {
        TimeSeries s = TimeSeries.single(Labels.of("__name__", "x", "env", "dev", "job", "a"), T0, 1);

        assertThat(http.remoteWrite("/insert/0/prometheus/api/v1/write?extra_label=env=prod&extra_label=dc=eu",
                RemoteWriteEncoder.encode(List.of(s))).statusCode()).isEqualTo(204);

        assertThat(NODE_A.labels()).containsExactly(Labels.of("__name__", "x", "env", "prod", "job", "a", "dc", "eu"));
    }

    @Test
    void storedRowsAndSamplesAreCounted() {
        double rows = http.metric("basalt_insert_rows_total");
        double samples = http.metric("basalt_insert_samples_total");
        List<TimeSeries> two = List.of(
                new TimeSeries(Labels.of("__name__", "c1"), new long[] { T0, T0 + 1 }, new double[] { 1, 2 }),
                TimeSeries.single(Labels.of("__name__", "c2"), T0, 1));

        http.remoteWrite(two);

        assertThat(http.metric("basalt_insert_rows_total")).isEqualTo(rows + 2);
        assertThat(http.metric("basalt_insert_samples_total")).isEqualTo(samples + 3);
    }

    @Test
    void statusListsTheStorageNodesWithTheirHealth() {
        String body = http.get("/api/v1/status").body();

        assertThat(body).contains("\"role\":\"insert\"", NODE_A.url(), NODE_B.url(), "\"healthy\":true",
                "\"replicationFactor\":2", "samplesPerSecondLastMinute", "requestsQueued");
    }

    @Test
    void everyDashboardMetricIsExported() {
        http.remoteWrite(series("metrics", 1));
        String page = http.get("/actuator/prometheus").body();

        assertThat(page).contains("basalt_insert_rows_total", "basalt_insert_samples_total",
                "basalt_insert_queue_size", "basalt_insert_storage_request_duration_seconds_count{",
                "basalt_insert_storage_request_duration_seconds_bucket{", "basalt_insert_storage_errors_total{",
                "basalt_insert_rerouted_rows_total");
    }

    static List<TimeSeries> series(String name, int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TimeSeries(Labels.of("__name__", name, "id", Integer.toString(i)),
                    new long[] { T0, T0 + 15_000 }, new double[] { i, i + 0.25 }));
        }
        return out;
    }

    /** Valid snappy around bytes that are not a protobuf message. */
    private record RawSnappy(String text) {
        byte[] bytes() {
            try {
                return org.xerial.snappy.Snappy.compress(text.getBytes(StandardCharsets.ISO_8859_1));
            }
            catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
