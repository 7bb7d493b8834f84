package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus 2.42 scrapes a real node_exporter every second and remote-writes to two insert replicas (one
 * remote_write entry each) over two storage nodes with replicationFactor 2. After at least a minute of scraping every
 * series in Prometheus' own TSDB must be in Basalt with exactly the same samples, compared through both query APIs:
 * raw samples from {@code /api/v1/query} with a range selector, and evaluated steps from {@code /api/v1/query_range}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsertPrometheusIT {

    private static final String PROMETHEUS = "/usr/bin/prometheus";

    private static final String NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";

    /** How long Prometheus scrapes before the comparison, at least (the "after a minute"). */
    private static final long SCRAPING_MILLIS = 60_000;

    /** The compared window ends this long before the query, when both remote_write queues (1 s deadline) sent it. */
    private static final long DELIVERY_MARGIN_MILLIS = 8_000;

    /** Every series in Prometheus' TSDB (it scrapes only node_exporter, so all are {job="node"}). */
    private static final String EVERY_SERIES = "{__name__=~\".+\"}";

    private final List<ServiceProcess> processes = new ArrayList<>();

    private ServiceProcess prometheus;

    private ServiceProcess select;

    private long scrapeStartMillis;

    /** When Prometheus was first seen to hold a scrape; its first scrape was at or before this. */
    private long firstScrapeMillis;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ServiceProcess.assumeInstalled(PROMETHEUS, "prometheus");
        ServiceProcess.assumeInstalled(NODE_EXPORTER, "prometheus-node-exporter");
        ServiceProcess storage1 = track(ServiceProcess.start("insprom-storage-1", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s1"))));
        ServiceProcess storage2 = track(ServiceProcess.start("insprom-storage-2", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("s2"))));
        List<String> nodes = ServiceProcess.discoveryArgs("storage", storage1, storage2);
        List<String> insertArgs = new ArrayList<>(nodes);
        insertArgs.add("--basalt.insert.replication-factor=2");
        ServiceProcess insert1 = track(ServiceProcess.start("insprom-insert-1", "insert-service", insertArgs));
        ServiceProcess insert2 = track(ServiceProcess.start("insprom-insert-2", "insert-service", insertArgs));
        List<String> selectArgs = new ArrayList<>(nodes);
        selectArgs.add("--basalt.select.replication-factor=2");
        select = track(ServiceProcess.start("insprom-select", "select-service", selectArgs));
        List<ServiceProcess> basalt = List.copyOf(processes);

        // Prometheus starts scraping while the Basalt JVMs start: the minute of scraping overlaps their start-up, and
        // what it scraped before the inserts listened reaches them from its WAL with the remote-write retries.
        int exporterPort = ServiceProcess.freePort();
        ServiceProcess exporter = track(ServiceProcess.startBinary("insprom-node-exporter", exporterPort,
                List.of(NODE_EXPORTER, "--web.listen-address=127.0.0.1:" + exporterPort)));
        exporter.awaitHttp("/metrics", Duration.ofSeconds(30));

        Path config = dir.resolve("prometheus.yml");
        String queue = "    queue_config: {batch_send_deadline: 1s, max_samples_per_send: 5000, min_backoff: 100ms, "
                + "max_backoff: 1s}\n";
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: node
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: %s/insert/0/prometheus/api/v1/write
                %s  - url: %s/insert/0/prometheus/api/v1/write
                %s""".formatted(exporterPort, insert1.baseUrl(), queue, insert2.baseUrl(), queue));
        int promPort = ServiceProcess.freePort();
        scrapeStartMillis = System.currentTimeMillis();
        prometheus = track(ServiceProcess.startBinary("insprom-prometheus", promPort, List.of(PROMETHEUS,
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prom-data"),
                "--web.listen-address=127.0.0.1:" + promPort)));
        prometheus.awaitHttp("/-/ready", Duration.ofSeconds(60));
        // The minute counts from Prometheus' first scrape, which comes a few seconds after it is ready.
        PrometheusApi api = new PrometheusApi(prometheus.baseUrl());
        for (int i = 0; i < 60 && api.instantVector("up").isEmpty(); i++) {
            Thread.sleep(500);
        }
        assertThat(api.instantVector("up")).as("Prometheus scraped node_exporter within 30 s").isNotEmpty();
        firstScrapeMillis = System.currentTimeMillis();

        for (ServiceProcess p : basalt) {
            p.awaitReady(Duration.ofSeconds(180));
        }
        // A minute of scraping, and the backlog of a slow start-up given the same margin as steady sending.
        long comparable = Math.max(firstScrapeMillis + SCRAPING_MILLIS, System.currentTimeMillis())
                + DELIVERY_MARGIN_MILLIS + 2_000;
        Thread.sleep(comparable - System.currentTimeMillis());
    }

    @AfterAll
    void stop() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void everySeriesPrometheusStoredIsInBasaltWithTheSameSamples() throws Exception {
        double at = (System.currentTimeMillis() - DELIVERY_MARGIN_MILLIS) / 1000.0;
        long windowSeconds = (long) Math.ceil(at - scrapeStartMillis / 1000.0) + 5;
        String query = EVERY_SERIES + "[" + windowSeconds + "s]";

        Map<Map<String, String>, Map<Long, Double>> inPrometheus = numeric(
                new PrometheusApi(prometheus.baseUrl()).rangeVector(query, at));
        Map<Map<String, String>, Map<Long, Double>> inBasalt = numeric(
                new PrometheusApi(select.baseUrl() + "/select/0/prometheus").rangeVector(query, at));

        assertThat(inPrometheus).as("Prometheus scraped node_exporter").hasSizeGreaterThan(100);
        assertThat(inPrometheus.keySet()).allSatisfy(labels -> assertThat(labels).containsEntry("job", "node"));
        TreeMap<Long, Double> up = new TreeMap<>(inPrometheus.entrySet().stream()
            .filter(e -> "up".equals(e.getKey().get("__name__"))).findFirst().orElseThrow().getValue());
        assertThat(up.lastKey() - up.firstKey()).as("the compared samples span at least a minute of scraping")
            .isGreaterThanOrEqualTo(SCRAPING_MILLIS);
        assertThat(inPrometheus.values().stream().mapToInt(Map::size).sum())
            .as("a scrape a second for a minute").isGreaterThan(inPrometheus.size() * 55);
        assertSameSeriesAndSamples(inBasalt, inPrometheus);
    }

    @Test
    void everySeriesEvaluatesTheSameThroughQueryRange() throws Exception {
        long end = (System.currentTimeMillis() - DELIVERY_MARGIN_MILLIS) / 1000;
        long start = firstScrapeMillis / 1000;
        assertThat((end - start) * 1000).as("the range covers at least a minute of scraping")
            .isGreaterThanOrEqualTo(SCRAPING_MILLIS);
        String args = "/api/v1/query_range?query=" + URLEncoder.encode(EVERY_SERIES, StandardCharsets.UTF_8)
                + "&start=" + start + "&end=" + end + "&step=1";

        Map<Map<String, String>, Map<Long, Double>> inPrometheus = matrix(
                new PrometheusApi(prometheus.baseUrl()).get(args));
        Map<Map<String, String>, Map<Long, Double>> inBasalt = matrix(
                new PrometheusApi(select.baseUrl() + "/select/0/prometheus").get(args));

        assertThat(inPrometheus).as("Prometheus scraped node_exporter").hasSizeGreaterThan(100);
        assertThat(inPrometheus.values().stream().mapToInt(Map::size).sum())
            .as("a step a second for a minute").isGreaterThan(inPrometheus.size() * 55);
        assertSameSeriesAndSamples(inBasalt, inPrometheus);
    }

    private static void assertSameSeriesAndSamples(Map<Map<String, String>, Map<Long, Double>> inBasalt,
            Map<Map<String, String>, Map<Long, Double>> inPrometheus) {
        assertThat(inBasalt.keySet()).containsExactlyInAnyOrderElementsOf(inPrometheus.keySet());
        for (Map.Entry<Map<String, String>, Map<Long, Double>> e : inPrometheus.entrySet()) {
            assertThat(inBasalt.get(e.getKey())).as("samples of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    /** A {@code query_range} answer: series to step timestamp (milliseconds) to value. */
    private static Map<Map<String, String>, Map<Long, Double>> matrix(JsonNode body) {
        assertThat(body.path("status").asString()).as("%s", body).isEqualTo("success");
        Map<Map<String, String>, Map<Long, Double>> out = new HashMap<>();
        for (JsonNode r : body.path("data").path("result")) {
            Map<String, String> labels = new TreeMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            Map<Long, Double> values = new TreeMap<>();
            for (JsonNode v : r.path("values")) {
                values.put(Math.round(v.get(0).asDouble() * 1000), parse(v.get(1).asString()));
            }
            out.put(labels, values);
        }
        return out;
    }

    /** Values as numbers, so that "1e+06" and "1000000" compare equal and NaN equals NaN. */
    private static Map<Map<String, String>, Map<Long, Double>> numeric(Map<Map<String, String>, Map<Long, String>> in) {
        Map<Map<String, String>, Map<Long, Double>> out = new HashMap<>();
        in.forEach((labels, samples) -> {
            Map<Long, Double> values = new TreeMap<>();
            samples.forEach((t, v) -> values.put(t, parse(v)));
            out.put(labels, values);
        });
        return out;
    }

    private static Double parse(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.valueOf(v);
        };
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
