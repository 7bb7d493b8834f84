package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.StubReceiver;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.StubTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

class AgentScrapeIntegrationTest {

    private static final String PAGE = """
            # TYPE http_requests_total counter
            http_requests_total{code="200"} 10
            http_requests_total{code="500"} 2
            # TYPE temperature gauge
            temperature{job="exposed"} 21.5
            """;

    @TempDir
    Path dir;

    private StubTarget target;

    private StubReceiver receiver;

    private ConfigurableApplicationContext agent;

    @BeforeEach
    void stubs() throws Exception {
        target = new StubTarget().page("/metrics", PAGE).hang("/hang").page("/garbage", "this is { not a page\n");
        receiver = new StubReceiver();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        target.close();
        receiver.close();
    }

    @Test
    void scrapedSamplesArriveWithTargetAndExternalLabelsThroughTheLoadBalancer() throws Exception {
        agent = start("""
                global:
                  scrape_interval: 1s
                  external_labels: {region: test-1}
                scrape_configs:
                  - job_name: stub
                    static_configs:
                      - targets: ['%s']
                        labels: {team: a}
                remote_write:
                  - url: http://insert/lb/write
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms}
                """.formatted(target.address()),
                Map.of("spring.cloud.discovery.client.simple.instances.insert[0].uri", receiver.baseUrl()));

        Labels up = Labels.of("__name__", "up", "job", "stub", "instance", target.address(), "team", "a",
                "region", "test-1");
        Await.until(Duration.ofSeconds(30), "up and a scraped sample at the receiver",
                () -> !receiver.series(s -> s.labels().equals(up)).isEmpty()
                        && !receiver.series(s -> s.labels().metricName().equals("http_requests_total")).isEmpty());

        assertThat(receiver.series(s -> s.labels().equals(up)).get(0).value(0)).isEqualTo(1.0);
        assertThat(receiver.received()).allMatch(r -> r.path().equals("/lb/write"));
        TimeSeries requests = receiver.series(s -> s.labels().get("code").equals("200")).get(0);
        assertThat(requests.labels()).isEqualTo(Labels.of("__name__", "http_requests_total", "code", "200",
                "job", "stub", "instance", target.address(), "team", "a", "region", "test-1"));
        assertThat(requests.value(0)).isEqualTo(10.0);
        // honor_labels: false moves the page's own job label aside.
        TimeSeries temperature = receiver.series(s -> s.labels().metricName().equals("temperature")).get(0);
        assertThat(temperature.labels().get("exported_job")).isEqualTo("exposed");
        assertThat(temperature.labels().get("job")).isEqualTo("stub");
        for (String name : List.of("scrape_duration_seconds", "scrape_samples_scraped",
                "scrape_samples_post_metric_relabeling", "scrape_series_added")) {
            assertThat(receiver.series(s -> s.labels().metricName().equals(name))).as(name).isNotEmpty();
        }
        assertThat(receiver.series(s -> s.labels().metricName().equals("scrape_samples_scraped")).get(0).value(0))
                .isEqualTo(3.0);
    }

    @Test
    void aHangingAGarbageAndAnOverLimitTargetAreDownWithTheirReasonAndTheOthersUnaffected() throws Exception {
        agent = start("""
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: good
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: hang
                    scrape_timeout: 300ms
                    metrics_path: /hang
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: garbage
                    metrics_path: /garbage
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: limited
                    sample_limit: 2
                    static_configs: [{targets: ['%1$s']}]
                remote_write:
                  - url: %2$s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(target.address(), receiver.baseUrl()), Map.of());

        Await.until(Duration.ofSeconds(30), "an up sample for every job",
                () -> List.of("good", "hang", "garbage", "limited").stream().allMatch(job -> !receiver.series(
                        s -> s.labels().metricName().equals("up") && s.labels().get("job").equals(job)).isEmpty()));

        assertThat(upValue("good")).isEqualTo(1.0);
        assertThat(upValue("hang")).isEqualTo(0.0);
        assertThat(upValue("garbage")).isEqualTo(0.0);
        assertThat(upValue("limited")).isEqualTo(0.0);
        assertThat(receiver.series(s -> s.labels().get("job").equals("limited")
                && s.labels().metricName().equals("http_requests_total"))).isEmpty();
        assertThat(receiver.series(s -> s.labels().get("job").equals("good")
                && s.labels().metricName().equals("http_requests_total"))).isNotEmpty();

        List<Map<String, Object>> active = activeTargets();
        assertThat(active).hasSize(4);
        assertThat(errorOf(active, "good")).isEmpty();
        assertThat(errorOf(active, "hang")).contains("deadline exceeded");
        assertThat(errorOf(active, "garbage")).startsWith("line 1");
        assertThat(errorOf(active, "limited")).isEqualTo("sample limit exceeded");
        assertThat(active).filteredOn(t -> t.get("scrapePool").equals("good")).first()
                .extracting(t -> t.get("health")).isEqualTo("up");

        String page = get("/targets");
        assertThat(page).contains("<h2>hang (0/1 up)</h2>", "<h2>good (1/1 up)</h2>", "sample limit exceeded");
        String metrics = get("/actuator/prometheus");
        assertThat(metrics).contains("basalt_agent_target_up{instance=\"" + target.address() + "\",job=\"hang\"")
                .contains("basalt_agent_scrapes_total{job=\"garbage\",result=\"failure\"")
                .contains("basalt_agent_remote_write_queue_bytes{")
                .contains("basalt_agent_remote_write_samples_sent_total{");
        assertThat(get("/api/v1/status")).contains("\"role\":\"agent\"").contains("\"up\":1");
    }

    @Test
    void aTargetOverALabelOrBodyLimitIsDownWithPrometheusReasonAndAJobOverItsTargetLimitHasAllTargetsDown()
            throws Exception {
        String localhost = target.address().replace("127.0.0.1", "localhost");
        agent = start("""
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: good
                    label_limit: 4
                    label_name_length_limit: 12
                    label_value_length_limit: 19
                    body_size_limit: 1KB
                    target_limit: 1
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: labels
                    label_limit: 3
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: name-length
                    label_name_length_limit: 8
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: value-length
                    label_value_length_limit: 10
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: body
                    body_size_limit: 10B
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: targets
                    target_limit: 1
                    static_configs: [{targets: ['%1$s', '%2$s']}]
                remote_write:
                  - url: %3$s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(target.address(), localhost, receiver.baseUrl()), Map.of());
        List<String> jobs = List.of("good", "labels", "name-length", "value-length", "body", "targets");
        Await.until(Duration.ofSeconds(30), "an up sample for every job", () -> jobs.stream().allMatch(job ->
                !receiver.series(s -> s.labels().metricName().equals("up") && s.labels().get("job").equals(job))
                        .isEmpty()));
        // Both targets of the over-limit job, not just the first one to be scraped.
        Await.until(Duration.ofSeconds(30), "an up sample for both over-limit targets", () -> receiver.series(
                s -> s.labels().metricName().equals("up") && s.labels().get("job").equals("targets"))
                .stream().map(s -> s.labels().get("instance")).distinct().count() == 2);

        List<Map<String, Object>> active = activeTargets();
        assertThat(errorOf(active, "good")).isEmpty();
        assertThat(upValue("good")).isEqualTo(1.0);
        assertThat(errorOf(active, "labels"))
                .isEqualTo("label_limit exceeded (metric: http_requests_total, number of labels: 4, limit: 3)");
        assertThat(errorOf(active, "name-length")).isEqualTo("label_name_length_limit exceeded (metric: "
                + "temperature, label name: exported_job, length: 12, limit: 8)");
        assertThat(errorOf(active, "value-length")).isEqualTo("label_value_length_limit exceeded (metric: "
                + "http_requests_total, label name: __name__, value: \"http_requests_total\", length: 19, limit: 10)");
        assertThat(errorOf(active, "body")).startsWith("body size limit exceeded");
        assertThat(active).filteredOn(t -> t.get("scrapePool").equals("targets")).hasSize(2)
                .allSatisfy(t -> assertThat(t.get("lastError"))
                        .isEqualTo("target_limit exceeded (number of targets: 2, limit: 1)"));
        for (String job : List.of("labels", "name-length", "value-length", "body", "targets")) {
            assertThat(upValue(job)).as(job).isEqualTo(0.0);
            // A failed scrape keeps nothing from its page.
            assertThat(receiver.series(s -> s.labels().get("job").equals(job)
                    && s.labels().metricName().equals("http_requests_total"))).as(job).isEmpty();
        }
    }

    @Test
    void aTargetRemovedByReloadLeavesNoPerTargetMetricBehind() throws Exception {
        String localhost = target.address().replace("127.0.0.1", "localhost");
        String both = """
                global: {scrape_interval: 300ms}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s', '%s']}]
                """.formatted(target.address(), localhost);
        agent = start(both, Map.of());
        String up = "basalt_agent_target_up{instance=\"";
        Await.until(Duration.ofSeconds(30), "target_up for both targets", () -> {
            String metrics = get("/actuator/prometheus");
            return metrics.contains(up + target.address() + "\"") && metrics.contains(up + localhost + "\"");
        });

        Files.writeString(dir.resolve("agent.yml"), both.replace(", '" + localhost + "'", ""));
        agent.getBean(AgentRuntime.class).reload();

        // The job changed, so its targets restart: the kept one's series is back after its next scrape.
        Await.until(Duration.ofSeconds(30), "only the kept target's target_up", () -> {
            String metrics = get("/actuator/prometheus");
            return !metrics.contains(up + localhost + "\"") && metrics.contains(up + target.address() + "\"");
        });
    }

    @Test
    void fileSdTargetsAreScrapedAndFollowChangesToTheFile() throws Exception {
        StubTarget second = new StubTarget().page("/metrics", "second_page 1\n");
        try {
            Path targets = dir.resolve("targets.json");
            Files.writeString(targets, "[{\"targets\": [\"" + target.address() + "\"], \"labels\": {\"from\": \"file\"}}]");
            agent = start("""
                    global: {scrape_interval: 500ms}
                    scrape_configs:
                      - job_name: files
                        file_sd_configs: [{files: ['targets*.json']}]
                    remote_write:
                      - url: %s/api/v1/write
                        queue_config: {batch_send_deadline: 100ms}
                    """.formatted(receiver.baseUrl()), Map.of("basalt.agent.file-sd-check-interval", "200ms"));
            Await.until(Duration.ofSeconds(30), "the file's target to be scraped", () -> !receiver.series(
                    s -> s.labels().metricName().equals("http_requests_total") && s.labels().get("from").equals("file"))
                    .isEmpty());

            Files.writeString(dir.resolve("targets2.json"), "[{\"targets\": [\"" + second.address() + "\"]}]");
            Await.until(Duration.ofSeconds(30), "a target from a new matching file",
                    () -> !receiver.series(s -> s.labels().metricName().equals("second_page")).isEmpty());
            Files.delete(targets);
            Await.until(Duration.ofSeconds(30), "staleness markers once the first file is gone",
                    () -> isStaleAtEnd("http_requests_total"));
            String up = "basalt_agent_target_up{instance=\"";
            Await.until(Duration.ofSeconds(30), "the gone target's target_up to leave /actuator/prometheus",
                    () -> !get("/actuator/prometheus").contains(up + target.address() + "\""));
            assertThat(get("/actuator/prometheus")).contains(up + second.address() + "\"");
        }
        finally {
            second.close();
        }
    }

    @Test
    void aTargetThatAnswersGzipIsScrapedAsIfPlain() throws Exception {
        target.gzipPage("/gzip", PAGE);
        agent = startSending("1s", """
                  - job_name: gzip
                    metrics_path: /gzip
                    static_configs: [{targets: ['%s']}]
                """.formatted(target.address()));
        Await.until(Duration.ofSeconds(30), "a scrape of the gzip page", () -> !receiver.series(
                s -> s.labels().metricName().equals("scrape_samples_scraped")).isEmpty());

        assertThat(upValue("gzip")).isEqualTo(1.0);
        assertThat(receiver.series(s -> s.labels().metricName().equals("scrape_samples_scraped")).get(0).value(0))
                .isEqualTo(3.0);
        assertThat(receiver.series(s -> s.labels().get("code").equals("500")).get(0).value(0)).isEqualTo(2.0);
        assertThat(receiver.series(s -> s.labels().metricName().equals("temperature")).get(0).value(0))
                .isEqualTo(21.5);
        assertThat(target.acceptEncodings()).allMatch(e -> e.contains("gzip"));
    }

    @Test
    void aSeriesGoneFromALiveTargetGetsOneStalenessMarkerWhileTheOthersGoOn() throws Exception {
        AtomicBoolean withGone = new AtomicBoolean(true);
        target.page("/churn", () -> "kept 1\n" + (withGone.get() ? "gone{a=\"x\"} 2\n" : ""));
        agent = startSending("300ms", """
                  - job_name: churn
                    metrics_path: /churn
                    static_configs: [{targets: ['%s']}]
                """.formatted(target.address()));
        Await.until(Duration.ofSeconds(30), "the series that will go", () -> !samples("gone").isEmpty());
        withGone.set(false);
        Await.until(Duration.ofSeconds(30), "a staleness marker for it",
                () -> samples("gone").values().stream().anyMatch(StaleMarker::isStale));
        long markedAt = samples("gone").entrySet().stream().filter(e -> StaleMarker.isStale(e.getValue()))
                .findFirst().orElseThrow().getKey();
        Await.until(Duration.ofSeconds(30), "two more scrapes of the page",
                () -> samples("kept").keySet().stream().filter(t -> t > markedAt).count() >= 2);

        Map<Long, Double> gone = samples("gone");
        assertThat(gone.values().stream().filter(StaleMarker::isStale).map(Double::doubleToRawLongBits))
                .as("one marker, with Prometheus' stale NaN bit pattern").containsExactly(0x7ff0000000000002L);
        assertThat(gone.keySet()).as("nothing after the marker").allMatch(t -> t <= markedAt);
        // Written at the timestamp of the first scrape that no longer had the series.
        assertThat(samples("kept")).containsKey(markedAt);
        assertThat(samples("kept").values()).allMatch(v -> v == 1.0);
        assertThat(samples("up").values()).allMatch(v -> v == 1.0);
    }

    @Test
    void tmpLabelsCarryValuesBetweenRelabelRulesAndAreNeverSent() throws Exception {
        agent = startSending("1s", """
                  - job_name: tmp
                    static_configs: [{targets: ['%s'], labels: {__tmp_env: prod}}]
                    relabel_configs:
                      - {source_labels: [__address__], regex: '.*:([0-9]+)', target_label: __tmp_port}
                      - {source_labels: [__tmp_env, __tmp_port], separator: '-', target_label: deployment}
                """.formatted(target.address()));
        Await.until(Duration.ofSeconds(30), "a scrape", () -> !samples("http_requests_total").isEmpty());

        String port = target.address().substring(target.address().lastIndexOf(':') + 1);
        assertThat(receiver.series(s -> s.labels().metricName().equals("up")).get(0).labels()).isEqualTo(Labels.of(
                "__name__", "up", "job", "tmp", "instance", target.address(), "deployment", "prod-" + port));
        assertThat(receiver.received()).isNotEmpty().allSatisfy(r -> r.series().labels().forEach((n, v) ->
                assertThat(n).as(r.series().labels().toString()).matches("__name__|[^_].*")));
    }

    /** Every sample of one metric by timestamp, staleness markers included. */
    private Map<Long, Double> samples(String metric) {
        Map<Long, Double> out = new TreeMap<>();
        for (TimeSeries s : receiver.series(s -> s.labels().metricName().equals(metric))) {
            for (int i = 0; i < s.size(); i++) {
                out.put(s.timestamps()[i], s.value(i));
            }
        }
        return out;
    }

    private List<Map<String, Object>> activeTargets() {
        Map<String, Object> targets = WebClient.create("http://127.0.0.1:" + port() + "/api/v1/targets").get()
                .retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(10));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> active = (List<Map<String, Object>>) ((Map<String, Object>) targets.get("data"))
                .get("activeTargets");
        return active;
    }

    private String get(String path) {
        return WebClient.create("http://127.0.0.1:" + port() + path).get().retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aTargetRemovedByReloadGetsStalenessMarkers() throws Exception {
        Path config = dir.resolve("agent.yml");
        String withTarget = """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: %s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(target.address(), receiver.baseUrl());
        agent = start(withTarget, Map.of());
        Await.until(Duration.ofSeconds(30), "a first scrape",
                () -> !receiver.series(s -> s.labels().metricName().equals("http_requests_total")).isEmpty());

        Files.writeString(config, withTarget.replace("static_configs: [{targets: ['" + target.address() + "']}]",
                "static_configs: []"));
        String answer = WebClient.create("http://127.0.0.1:" + port() + "/-/reload").post().retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(10));
        assertThat(answer).contains("reloaded");

        Await.until(Duration.ofSeconds(30), "staleness markers for the page's series and up",
                () -> isStaleAtEnd("http_requests_total") && isStaleAtEnd("up") && isStaleAtEnd("temperature"));
    }

    @Test
    void aBrokenConfigOnReloadIsRefusedWithItsLineAndTheOldOneKeepsRunning() throws Exception {
        agent = start("""
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s']}]
                """.formatted(target.address()), Map.of());
        Files.writeString(dir.resolve("agent.yml"), "global:\n  scrape_interval: 1s\n  colour: red\n");

        var response = WebClient.create("http://127.0.0.1:" + port() + "/-/reload").post().exchangeToMono(
                r -> r.bodyToMono(String.class).map(b -> r.statusCode().value() + " " + b)).block(Duration.ofSeconds(10));

        assertThat(response).startsWith("400").contains("agent.yml:3: field colour not found in global");
        assertThat(agent.getBean(AgentRuntime.class).scrapes().loops()).hasSize(1);
    }

    @Test
    void theServiceDiscoveryPageShowsEachTargetBeforeAndAfterRelabeling() throws Exception {
        agent = startSending("1s", """
                  - job_name: debug
                    static_configs: [{targets: ['%s', 'elsewhere:9100'], labels: {team: '<ops>'}}]
                    relabel_configs:
                      - {source_labels: [__address__], regex: 'elsewhere:.*', action: drop}
                      - {target_label: stage, replacement: canary}
                """.formatted(target.address()));

        String api = get("/api/v1/service-discovery");
        String page = get("/service-discovery");

        assertThat(api).contains("\"job\":\"debug\"")
                .contains("\"discoveredLabels\":{\"__address__\":\"elsewhere:9100\"")
                .contains("\"dropped\":\"dropped by relabeling\"")
                .contains("\"stage\":\"canary\"");
        assertThat(page).contains("debug (1 / 2 active targets)").contains("dropped by relabeling")
                .contains("team=&quot;&lt;ops&gt;&quot;").contains("stage=&quot;canary&quot;")
                .doesNotContain("<ops>");
    }

    private boolean isStaleAtEnd(String metric) {
        List<TimeSeries> all = receiver.series(s -> s.labels().metricName().equals(metric));
        return !all.isEmpty() && StaleMarker.isStale(all.get(all.size() - 1).value(0));
    }

    private static String errorOf(List<Map<String, Object>> active, String job) {
        return active.stream().filter(t -> t.get("scrapePool").equals(job)).findFirst()
                .map(t -> (String) t.get("lastError")).orElseThrow();
    }

    private double upValue(String job) {
        List<TimeSeries> ups = receiver.series(s -> s.labels().metricName().equals("up")
                && s.labels().get("job").equals(job));
        return ups.get(ups.size() - 1).value(0);
    }

    private int port() {
        return Integer.parseInt(agent.getEnvironment().getProperty("local.server.port"));
    }

    /** An agent with the given jobs that sends to the receiver with a short batch deadline. */
    private ConfigurableApplicationContext startSending(String interval, String jobs) throws Exception {
        return start("global: {scrape_interval: " + interval + "}\nscrape_configs:\n" + jobs + """
                remote_write:
                  - url: %s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(receiver.baseUrl()), Map.of());
    }

    private ConfigurableApplicationContext start(String yaml, Map<String, String> extra) throws Exception {
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, yaml);
        return TestAgents.start(config, dir.resolve("data"), extra);
    }
}
