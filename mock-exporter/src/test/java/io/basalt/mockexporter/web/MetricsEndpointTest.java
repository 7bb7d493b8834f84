package io.basalt.mockexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.mockexporter.exposition.FleetPage;
import io.basalt.mockexporter.exposition.ParsedPage;
import io.basalt.wire.exposition.ExpositionFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.mock-exporter.targets=10", "basalt.mock-exporter.paths=3" })
class MetricsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void plainScrapeGetsTextFormatWithoutTargetLabels() throws Exception {
        HttpResponse<byte[]> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValue(ExpositionFormat.PROMETHEUS_TEXT.contentType());
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        ParsedPage page = ParsedPage.parse(response.body(), ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(page.series("mock_exporter_build_info")).hasSize(1);
        assertThat(page.series("http_requests_total")).hasSize(3 * 2 * 3 * 3);
        assertThat(page.samples().keySet()).noneMatch(l -> l.has(FleetPage.TARGET_LABEL));
    }

    @Test
    void prometheusScrapeHeaderGetsOpenMetrics() throws Exception {
        HttpResponse<byte[]> response = get("/metrics", "Accept", ExpositionFormat.SCRAPE_ACCEPT_HEADER);

        assertThat(response.headers().firstValue("Content-Type")).hasValue(ExpositionFormat.OPENMETRICS.contentType());
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
        ParsedPage page = ParsedPage.parse(response.body(), ExpositionFormat.OPENMETRICS);
        assertThat(page.family("http_requests").type().name()).isEqualTo("COUNTER");
        assertThat(page.series("http_requests_total")).isNotEmpty();
    }

    @Test
    void gzipIsUsedWhenTheScraperAcceptsIt() throws Exception {
        HttpResponse<byte[]> response = get("/metrics/target/4", "Accept-Encoding", "gzip",
                "Accept", "application/openmetrics-text;version=1.0.0");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] page = gunzip(response.body());
        assertThat(response.body().length).isLessThan(page.length / 3);
        ParsedPage parsed = ParsedPage.parse(page, ExpositionFormat.OPENMETRICS);
        assertThat(parsed.samples().keySet()).isNotEmpty()
            .allMatch(l -> l.get(FleetPage.TARGET_LABEL).equals("4"));
    }

    @Test
    void virtualTargetsAreServedByPathAndByQueryParameter() throws Exception {
        ParsedPage byPath = ParsedPage.parse(get("/metrics/target/9").body(), ExpositionFormat.PROMETHEUS_TEXT);
        ParsedPage byParam = ParsedPage.parse(get("/metrics?target=9").body(), ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(byPath.samples().keySet()).allMatch(l -> l.get(FleetPage.TARGET_LABEL).equals("9"));
        assertThat(byParam.samples().keySet()).isEqualTo(byPath.samples().keySet());
    }

    @Test
    void targetsOutsideTheConfiguredRangeAreNotFound() throws Exception {
        for (String path : new String[] { "/metrics/target/10", "/metrics/target/-1", "/metrics/target/07",
            "/metrics/target/x", "/metrics?target=10" }) {
            HttpResponse<byte[]> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(path).contains("0..9");
        }
    }

    @Test
    void targetsEndpointListsEveryVirtualTargetForHttpServiceDiscovery() throws Exception {
        HttpResponse<byte[]> response = get("/targets");

        assertThat(response.statusCode()).isEqualTo(200);
        String json = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(json.split("__metrics_path__", -1)).hasSize(11);
        assertThat(json).contains("\"127.0.0.1:" + port + "\"").contains("\"/metrics/target/0\"")
            .contains("\"/metrics/target/9\"").doesNotContain("/metrics/target/10\"");
        // The scraper's own up and scrape_* series need a label that differs from target to target.
        assertThat(json).contains("\"127.0.0.1:" + port + "/target/0\"").contains("\"127.0.0.1:" + port
                + "/target/9\"");
    }

    @Test
    void statusDescribesTheSimulation() throws Exception {
        String json = new String(get("/api/v1/status").body(), StandardCharsets.UTF_8);

        assertThat(json).contains("mock-exporter").contains("seriesPerTarget").contains("\"targets\":10");
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
