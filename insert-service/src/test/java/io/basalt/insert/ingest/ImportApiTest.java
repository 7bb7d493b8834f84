package io.basalt.insert.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.vmnative.VmNativeReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * VictoriaMetrics' import APIs: Prometheus text lines, JSON lines and the native export format, plain or gzip,
 * streamed in bounded blocks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportApiTest {

    private static final int MAX_BODY = 256 * 1024;

    private static final int BLOCK = 100;

    private static final StubStorageNode NODE = StubStorageNode.start();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) {
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE::url);
        r.add("basalt.insert.max-insert-request-size", () -> MAX_BODY);
        r.add("basalt.insert.max-rows-per-block", () -> BLOCK);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void setUp() {
        http = new InsertHttp(port);
        NODE.clear();
    }

    @AfterAll
    static void stopNode() {
        NODE.close();
    }

    @Test
    void textLinesKeepTheirMillisecondTimestampsAndUntimedOnesGetTheReceiveTime() {
        String body = """
                # HELP http_requests_total Requests.
                # TYPE http_requests_total counter
                http_requests_total{code="200",path="/a"} 10 1700000000000
                http_requests_total{code="500",path="/a"} 2.5 1700000015000
                temperature 21.5
                """;
        long before = System.currentTimeMillis();

        HttpResponse<String> r = importText("/insert/0/prometheus/api/v1/import/prometheus", body.getBytes());

        long after = System.currentTimeMillis();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        Map<Labels, TimeSeries> stored = byLabels(NODE.series());
        assertThat(stored.get(Labels.of("__name__", "http_requests_total", "code", "200", "path", "/a")))
            .isEqualTo(TimeSeries.single(Labels.of("__name__", "http_requests_total", "code", "200", "path", "/a"),
                    1_700_000_000_000L, 10));
        assertThat(stored.get(Labels.of("__name__", "http_requests_total", "code", "500", "path", "/a")).value(0))
            .isEqualTo(2.5);
        TimeSeries untimed = stored.get(Labels.of("__name__", "temperature"));
        assertThat(untimed.timestamp(0)).isBetween(before, after);
        assertThat(untimed.value(0)).isEqualTo(21.5);
    }

    @Test
    void extraLabelsAreAddedToImportedSeries() {
        HttpResponse<String> r = importText(
                "/insert/5/prometheus/api/v1/import/prometheus?extra_label=source=backfill&extra_label=job=override",
                "up{job=\"node\"} 1 1700000000000\n".getBytes());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(NODE.blocks()).extracting(RowsCodec.Rows::tenant).containsOnly(new TenantId(5, 0));
        assertThat(NODE.labels()).containsExactly(Labels.of("__name__", "up", "job", "override", "source", "backfill"));
    }

    @Test
    void aLargeImportIsStoredInBlocksOfAtMostMaxRowsPerBlockSamples() {
        StringBuilder body = new StringBuilder();
        int lines = 1_050;
        for (int i = 0; i < lines; i++) {
            body.append("backfill{series=\"").append(i % 7).append("\"} ").append(i).append(' ')
                .append(1_700_000_000_000L + i * 1000L).append('\n');
        }

        HttpResponse<String> r = importText("/insert/0/prometheus/api/v1/import/prometheus",
                body.toString().getBytes());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(NODE.samples()).isEqualTo(lines);
        assertThat(NODE.blocks()).hasSize((lines + BLOCK - 1) / BLOCK)
            .allSatisfy(b -> assertThat(b.sampleCount()).isLessThanOrEqualTo(BLOCK));
        assertThat(NODE.blocks().get(0).series()).as("samples of one series in a block become one series")
            .hasSize(7);
    }

    @Test
    void gzipBodiesAreDecompressed() {
        byte[] gz = InsertHttp.gzip("gz_metric{a=\"b\"} 3 1700000000000\n".getBytes());

        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/prometheus", gz,
                "Content-Encoding", "gzip");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(NODE.labels()).containsExactly(Labels.of("__name__", "gz_metric", "a", "b"));
    }

    @Test
    void aGzipBombIsRefusedWith413OnceItsDecompressedSizePassesTheLimit() {
        byte[] zeros = new byte[MAX_BODY * 8];
        byte[] gz = InsertHttp.gzip(zeros);
        assertThat(gz.length).isLessThan(MAX_BODY / 4);

        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/prometheus", gz,
                "Content-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("gzip-decompressed request body exceeds the limit of " + MAX_BODY);
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotGzipDespiteItsHeaderIsA400() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/prometheus",
                "up 1\n".getBytes(), "Content-Encoding", "gzip");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("gzip:");
    }

    @Test
    void anUnknownContentEncodingIsA415() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/prometheus", "up 1\n".getBytes(),
                "Content-Encoding", "br");

        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void anOversizedBodyIsA413() {
        HttpResponse<String> r = importText("/insert/0/prometheus/api/v1/import/prometheus",
                new byte[MAX_BODY + 10]);

        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void aMalformedLineFailsTheRequestNamingTheLine() {
        HttpResponse<String> r = importText("/insert/0/prometheus/api/v1/import/prometheus",
                "ok_metric 1 1700000000000\nok_metric 2 1700000001000\nbroken{a=\"b\" 3\n".getBytes());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("line 3:");
    }

    @Test
    void jsonLinesAreStoredWithEveryValueExact() {
        String body = """
                {"metric":{"__name__":"vm_metric","job":"a"},"values":[1,2.5,"NaN"],\
                "timestamps":[1700000000000,1700000015000,1700000030000]}
                {"metric":{"__name__":"vm_metric","job":"b"},"values":["Inf","-Inf"],\
                "timestamps":[1700000000000,1700000015000]}
                """;

        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import", body.getBytes());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        Map<Labels, TimeSeries> stored = byLabels(NODE.series());
        TimeSeries a = stored.get(Labels.of("__name__", "vm_metric", "job", "a"));
        assertThat(a.timestamps()).containsExactly(1_700_000_000_000L, 1_700_000_015_000L, 1_700_000_030_000L);
        assertThat(a.value(0)).isEqualTo(1);
        assertThat(a.value(1)).isEqualTo(2.5);
        assertThat(a.value(2)).isNaN();
        TimeSeries b = stored.get(Labels.of("__name__", "vm_metric", "job", "b"));
        assertThat(b.values()).containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void jsonLinesWithMismatchedArraysAreA400NamingTheLine() {
        String body = """
                {"metric":{"__name__":"ok"},"values":[1],"timestamps":[1700000000000]}
                {"metric":{"__name__":"bad"},"values":[1,2],"timestamps":[1700000000000]}
                """;

        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import", body.getBytes());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("line 2: 2 values but 1 timestamps");
    }

    @Test
    void jsonLinesWithADuplicateLabelAreA400() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import",
                "{\"metric\":{\"__name__\":\"x\",\"a\":\"1\",\"a\":\"2\"},\"values\":[1],\"timestamps\":[1]}\n"
                    .getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("duplicate label name");
    }

    @Test
    void singleNodePathsImportIntoTheDefaultTenant() {
        assertThat(http.post("/api/v1/import/prometheus", "single 1 1700000000000\n".getBytes()).statusCode())
            .isEqualTo(204);
        assertThat(NODE.blocks()).extracting(RowsCodec.Rows::tenant).containsOnly(TenantId.DEFAULT);
    }

    @Test
    void aVictoriaMetricsNativeExportIsStoredWithEverySampleExact() throws IOException {
        byte[] body = vmNativeCapture("all-encodings.native");
        Map<Labels, Map<Long, Long>> expected = new TreeMap<>();
        VmNativeReader.read(new ByteArrayInputStream(body), (labels, ts, vs) -> collect(expected,
                labels.toBuilder().set("src", "vm").build(), ts, vs));

        HttpResponse<String> r = http.post("/insert/3/prometheus/api/v1/import/native?extra_label=src=vm", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        Map<Labels, Map<Long, Long>> stored = new TreeMap<>();
        NODE.series().forEach(s -> collect(stored, s.labels(), s.timestamps(), s.values()));
        assertThat(stored).hasSize(8).isEqualTo(expected);
        assertThat(NODE.samples()).isEqualTo(13_972);
        assertThat(NODE.blocks()).extracting(RowsCodec.Rows::tenant).containsOnly(new TenantId(3, 0));
        assertThat(NODE.blocks()).allSatisfy(b -> assertThat(b.sampleCount()).isLessThanOrEqualTo(BLOCK));
    }

    @Test
    void aGzipNativeBodyOnTheSingleNodePathGoesToTheDefaultTenant() {
        byte[] gz = InsertHttp.gzip(vmNativeCapture("special-values.native"));

        HttpResponse<String> r = http.post("/api/v1/import/native", gz, "Content-Encoding", "gzip");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(NODE.blocks()).extracting(RowsCodec.Rows::tenant).containsOnly(TenantId.DEFAULT);
        TimeSeries special = byLabels(NODE.series()).get(Labels.of("__name__", "c_special", "k", "v"));
        assertThat(special.values()).containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, 0);
    }

    @Test
    void aTruncatedNativeBodyIsA400NamingTheBlockAndCounted() {
        byte[] body = vmNativeCapture("special-values.native");
        double before = http.metric("basalt_insert_requests_rejected_total", "reason=\"invalid_import\"");

        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/native",
                Arrays.copyOf(body, body.length - 3));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("native block 3: body ends inside the block");
        assertThat(http.metric("basalt_insert_requests_rejected_total", "reason=\"invalid_import\""))
            .isEqualTo(before + 1);
    }

    @Test
    void aBodyThatIsNotNativeDataIsA400() {
        HttpResponse<String> r = http.post("/insert/0/prometheus/api/v1/import/native",
                "{\"metric\":{\"__name__\":\"x\"},\"values\":[1],\"timestamps\":[1]}\n".getBytes());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("native block 1:");
    }

    @Test
    void healthAnswersOkForVmctlsReadinessCheck() {
        HttpResponse<String> r = http.get("/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
    }

    private HttpResponse<String> importText(String path, byte[] body) {
        return http.post(path, body, "Content-Type", "text/plain");
    }

    /** A VictoriaMetrics 1.79 native export captured for libs/wire's decoder tests (see the README there). */
    private static byte[] vmNativeCapture(String name) {
        try {
            return Files.readAllBytes(Path.of("..", "libs", "wire", "src", "test", "resources", "vmnative", name));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(Map<Labels, Map<Long, Long>> out, Labels labels, long[] ts, double[] vs) {
        Map<Long, Long> samples = out.computeIfAbsent(labels, l -> new TreeMap<>());
        for (int i = 0; i < ts.length; i++) {
            samples.put(ts[i], Double.doubleToRawLongBits(vs[i]));
        }
    }

    private static Map<Labels, TimeSeries> byLabels(List<TimeSeries> series) {
        Map<Labels, TimeSeries> out = new HashMap<>();
        series.forEach(s -> out.put(s.labels(), s));
        return out;
    }
}
