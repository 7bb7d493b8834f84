package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants 0, 1:0 and 2:0 write series that carry their own marker word in metric names, label names and label
 * values, through insert into two storage nodes (replicationFactor 1, so every tenant's series lie on both nodes).
 * Every read API of select, as Grafana and the built-in UI call it, must then show a tenant its own marker and never
 * another tenant's, in either direction; {@code 1} and {@code 1:0} name the same tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {

    /** Tenant path segment → the marker word its data carries. */
    private static final Map<String, String> TENANTS = Map.of("0", "alpha", "1:0", "bravo", "2:0", "charlie");

    private static final int SERIES = 20;

    private static final long T = System.currentTimeMillis() / 1000 * 1000 - 60_000;

    private final HttpClient http = HttpClient.newHttpClient();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private ServiceProcess insert;

    private ServiceProcess select;

    @BeforeAll
    void startClusterAndWrite(@TempDir Path dir) throws Exception {
        ServiceProcess storage1 = track(ServiceProcess.start("iso-storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s1"))));
        ServiceProcess storage2 = track(ServiceProcess.start("iso-storage-2", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s2"))));
        List<String> nodes = ServiceProcess.discoveryArgs("storage", storage1, storage2);
        insert = track(ServiceProcess.start("iso-insert", "insert-service", nodes));
        select = track(ServiceProcess.start("iso-select", "select-service", nodes));
        for (ServiceProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(120));
        }
        // Tenant 0 through the tenant-less path, as a plain Prometheus would write; the others by path segment, 1:0
        // as "1" to show the short form lands in the same tenant.
        assertThat(post("/api/v1/write", remoteWrite("alpha"))).isEqualTo(204);
        assertThat(post("/insert/1/prometheus/api/v1/write", remoteWrite("bravo"))).isEqualTo(204);
        assertThat(post("/insert/2:0/prometheus/api/v1/write", remoteWrite("charlie"))).isEqualTo(204);
        for (Map.Entry<String, String> t : TENANTS.entrySet()) {
            String text = "iso_" + t.getValue() + "_imported{owner=\"" + t.getValue() + "\"} 1 " + T + "\n";
            assertThat(post("/insert/" + t.getKey() + "/prometheus/api/v1/import/prometheus",
                    text.getBytes(StandardCharsets.UTF_8))).isEqualTo(204);
        }
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void everyReadApiShowsATenantOnlyItsOwnData() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, String> reader : TENANTS.entrySet()) {
            for (String path : readPaths()) {
                for (String tenant : List.of(reader.getKey(), shortForm(reader.getKey()))) {
                    HttpResponse<String> r = get("/select/" + tenant + path);
                    soft.assertThat(r.statusCode()).as("tenant %s %s: %s", tenant, path, r.body()).isEqualTo(200);
                    soft.assertThat(r.body()).as("tenant %s sees its own data through %s", tenant, path)
                        .contains(reader.getValue());
                    for (String other : TENANTS.values()) {
                        if (!other.equals(reader.getValue())) {
                            soft.assertThat(r.body()).as("tenant %s sees %s's data through %s", tenant, other, path)
                                .doesNotContain(other);
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, String> reader : TENANTS.entrySet()) {
            // The UI sends long parameter lists as a POST form.
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(select.baseUrl() + "/select/"
                    + reader.getKey() + "/prometheus/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + enc("{__name__=~\".+\"}") + "&time=" + T / 1000))
                .build(), HttpResponse.BodyHandlers.ofString());
            soft.assertThat(r.body()).as("POST query of tenant %s", reader.getKey()).contains(reader.getValue());
            TENANTS.values().stream().filter(other -> !other.equals(reader.getValue()))
                .forEach(other -> soft.assertThat(r.body()).as("POST query of tenant %s", reader.getKey())
                    .doesNotContain(other));
        }
        soft.assertAll();
    }

    @Test
    void countsAndCardinalityCoverOnlyTheTenantsOwnSeries() throws Exception {
        for (String tenant : TENANTS.keySet()) {
            PrometheusApi api = new PrometheusApi(select.baseUrl() + "/select/" + tenant + "/prometheus");
            List<PrometheusApi.Sample> count = api.instantVector("count({__name__=~\".+\"})");
            assertThat(count).as("tenant %s", tenant).hasSize(1);
            assertThat(count.get(0).value()).as("tenant %s counts its own series", tenant)
                .isEqualTo(Integer.toString(2 * SERIES + 1));
            assertThat(api.get("/api/v1/status/tsdb?date=" + day()).path("data").path("totalSeries").asLong())
                .as("tenant %s cardinality", tenant).isEqualTo(2 * SERIES + 1);
        }
    }

    @Test
    void writesAndReadsForATenantNobodyWroteFindNothing() throws Exception {
        PrometheusApi api = new PrometheusApi(select.baseUrl() + "/select/3:7/prometheus");
        assertThat(api.instantVector("{__name__=~\".+\"}")).isEmpty();
        assertThat(api.get("/api/v1/label/__name__/values").path("data")).isEmpty();
        assertThat(api.get("/api/v1/series?match[]=" + enc("{__name__=~\"iso_.*\"}")).path("data")).isEmpty();
    }

    /**
     * Every read path of select's Prometheus API with parameters that would return everything the tenant has,
     * including the calls the UI makes for metric-name, label-name and label-value completion ({@code match[]}).
     */
    private static List<String> readPaths() {
        String all = enc("{__name__=~\".+\"}");
        String iso = enc("{__name__=~\"iso_.*\"}");
        String window = "&start=" + (T / 1000 - 600) + "&end=" + (T / 1000 + 600);
        String api = "/prometheus/api/v1";
        return List.of(
                api + "/query?query=" + all + "&time=" + T / 1000,
                api + "/query?query=" + enc("count by (owner, __name__) ({__name__=~\".+\"})") + "&time=" + T / 1000,
                api + "/query_range?query=" + iso + window + "&step=60",
                api + "/query?query=" + enc("{__name__=~\".+\"}[10m]") + "&time=" + (T / 1000 + 1),
                api + "/series?match[]=" + all + window,
                api + "/series?match[]=" + enc("iso_shared") + window,
                api + "/labels",
                api + "/labels?match[]=" + enc("iso_shared") + window,
                api + "/label/__name__/values",
                api + "/label/__name__/values?match[]=" + iso,
                api + "/label/owner/values",
                api + "/label/owner/values?match[]=" + enc("iso_shared"),
                api + "/export?match[]=" + all + window,
                api + "/status/tsdb?date=" + day(),
                api + "/status/tsdb?topN=100&date=" + day() + "&match[]=" + enc("iso_shared"));
    }

    /** Each tenant's series: a metric name all share, with the marker in a label name and value; and its own metric. */
    private static byte[] remoteWrite(String marker) {
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            series.add(TimeSeries.single(Labels.of("__name__", "iso_shared", "owner", marker, "id",
                    Integer.toString(i), marker + "_tag", "x"), T, i));
            series.add(TimeSeries.single(Labels.of("__name__", "iso_" + marker + "_only", "owner", marker,
                    marker + "_label", marker + "_value_" + i), T, i));
        }
        return RemoteWriteEncoder.encode(series);
    }

    private static String shortForm(String tenant) {
        return tenant.endsWith(":0") ? tenant.substring(0, tenant.length() - 2) : tenant + ":0";
    }

    private static String day() {
        return Instant.ofEpochMilli(T).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private int post(String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(insert.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (path.endsWith("/write")) {
            b.header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(select.baseUrl() + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
