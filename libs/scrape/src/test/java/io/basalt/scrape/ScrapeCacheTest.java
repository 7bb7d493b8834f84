package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.ScrapeJobConfig;
import io.basalt.scrape.support.StubTarget;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Series a target exposed before are labeled from the scrape cache: what is written must be exactly what a first
 * scrape of the same page writes, with each scrape's own values, and a changed series must be labeled afresh.
 */
class ScrapeCacheTest {

    private static final String JOB = """
            scrape_configs:
              - job_name: cached
                honor_labels: %s
                sample_limit: %d
                static_configs: [{targets: ['ignored:1']}]
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: 'dropped_.*', action: drop}
                  - {source_labels: [code], regex: '(.)..', target_label: class, replacement: '${1}xx'}
            """;

    private final BlockingQueue<List<TimeSeries>> writes = new LinkedBlockingQueue<>();

    private final AtomicReference<String> page = new AtomicReference<>();

    /** Runs the end of each scrape; one thread, so a task queued after it runs once the scrape has finished. */
    private final ExecutorService workers = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    private ScrapeLoop loop(StubTarget stub, boolean honorLabels, int sampleLimit) {
        ScrapeJobConfig job = AgentConfigLoader.parse("agent.yml", JOB.formatted(honorLabels, sampleLimit), null)
                .scrapeConfigs().get(0);
        stub.page("/metrics", page::get);
        ScrapeTarget target = new ScrapeTarget(job,
                Labels.of("__address__", stub.address(), "instance", stub.address(), "job", "cached"),
                Labels.EMPTY, URI.create(stub.url("/metrics")));
        return new ScrapeLoop(target, new TargetFetcher(job.http(), Runnable::run, 1 << 20), writes::add,
                workers, Clock.systemUTC(), report -> {
                });
    }

    /** One scrape's writes, by labels; fails loudly if the scrape does not finish. */
    private Map<Labels, TimeSeries> scrape(ScrapeLoop loop, String body) throws Exception {
        page.set(body);
        loop.tick();
        List<TimeSeries> written = writes.poll(30, TimeUnit.SECONDS);
        assertThat(written).as("a scrape's writes within 30 s").isNotNull();
        // The loop takes the next tick only once the scrape that wrote has finished on the worker.
        workers.submit(() -> { }).get(30, TimeUnit.SECONDS);
        return written.stream().collect(Collectors.toMap(TimeSeries::labels, ts -> ts));
    }

    private static double value(Map<Labels, TimeSeries> written, String metric) {
        return written.values().stream().filter(ts -> ts.labels().metricName().equals(metric))
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " in " + written.keySet()))
                .value(0);
    }

    @Test
    void aPageScrapedAgainWritesTheSameSeriesWithTheNewValues() throws Exception {
        try (StubTarget stub = new StubTarget()) {
            ScrapeLoop loop = loop(stub, false, 0);
            String first = """
                    requests_total{code="200",instance="exporter-side",path="/a}b"} 1
                    requests_total{code="500",instance="exporter-side",path="/a}b"} 2
                    dropped_total 3
                    """;

            Map<Labels, TimeSeries> before = scrape(loop, first);
            Map<Labels, TimeSeries> again = scrape(loop, first.replace("} 1", "} 10").replace("} 2", "} 20"));

            assertThat(again.keySet()).isEqualTo(before.keySet());
            Labels ok = before.keySet().stream().filter(l -> l.get("code").equals("200")).findFirst().orElseThrow();
            assertThat(ok.get("class")).isEqualTo("2xx");
            assertThat(ok.get("exported_instance")).isEqualTo("exporter-side");
            assertThat(ok.get("instance")).isEqualTo(stub.address());
            assertThat(ok.get("path")).isEqualTo("/a}b");
            assertThat(before.get(ok).value(0)).isEqualTo(1.0);
            assertThat(again.get(ok).value(0)).isEqualTo(10.0);
            assertThat(again.keySet()).noneMatch(l -> l.metricName().equals("dropped_total"));
            assertThat(value(again, "scrape_samples_scraped")).isEqualTo(3.0);
            assertThat(value(again, "scrape_samples_post_metric_relabeling")).isEqualTo(2.0);
            assertThat(value(again, "scrape_series_added")).isEqualTo(0.0);
        }
    }

    @Test
    void aChangedSeriesIsLabeledAfreshAndTheOldOneGoesStale() throws Exception {
        try (StubTarget stub = new StubTarget()) {
            ScrapeLoop loop = loop(stub, true, 0);
            scrape(loop, "requests_total{code=\"200\"} 1\n");

            Map<Labels, TimeSeries> changed = scrape(loop, "requests_total{code=\"503\"} 1\n");

            Labels now = Labels.of("__name__", "requests_total", "code", "503", "class", "5xx", "instance",
                    stub.address(), "job", "cached");
            Labels old = Labels.of("__name__", "requests_total", "code", "200", "class", "2xx", "instance",
                    stub.address(), "job", "cached");
            assertThat(changed.get(now).value(0)).isEqualTo(1.0);
            assertThat(StaleMarker.isStale(changed.get(old).value(0))).isTrue();
            assertThat(value(changed, "scrape_series_added")).isEqualTo(1.0);

            Map<Labels, TimeSeries> back = scrape(loop, "requests_total{code=\"200\"} 5\n");
            assertThat(back.get(old).value(0)).as("a series forgotten by the cache comes back").isEqualTo(5.0);
        }
    }

    @Test
    void knownSeriesCountTowardsTheSampleLimitAndRepeatsOnAPageCountOnce() throws Exception {
        try (StubTarget stub = new StubTarget()) {
            ScrapeLoop loop = loop(stub, false, 2);
            String two = "a 1\nb 1\na 2\n";
            assertThat(value(scrape(loop, two), "up")).isEqualTo(1.0);
            Map<Labels, TimeSeries> repeat = scrape(loop, two);
            assertThat(value(repeat, "up")).isEqualTo(1.0);
            assertThat(value(repeat, "scrape_samples_post_metric_relabeling")).isEqualTo(2.0);
            assertThat(repeat.values().stream().filter(ts -> ts.labels().metricName().equals("a")).findFirst()
                    .orElseThrow().value(0)).as("the first sample of a repeated series").isEqualTo(1.0);

            assertThat(value(scrape(loop, two + "c 1\n"), "up")).as("over the sample limit").isEqualTo(0.0);
        }
    }

    @Test
    void twoTextsOfOneSeriesWriteItOnceAndItGoesStaleOnce() throws Exception {
        try (StubTarget stub = new StubTarget()) {
            ScrapeLoop loop = loop(stub, true, 0);
            String twice = "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n";
            Labels a = Labels.of("__name__", "a", "x", "1", "y", "2", "instance", stub.address(), "job", "cached");

            // scrape() maps writes by labels and fails on a series written twice
            assertThat(scrape(loop, twice).get(a).value(0)).as("the first of the page's two samples").isEqualTo(1.0);
            Map<Labels, TimeSeries> again = scrape(loop, twice);
            assertThat(again.get(a).value(0)).isEqualTo(1.0);
            assertThat(value(again, "scrape_series_added")).isEqualTo(0.0);

            Map<Labels, TimeSeries> gone = scrape(loop, "b 1\n");
            assertThat(StaleMarker.isStale(gone.get(a).value(0))).isTrue();
            assertThat(value(gone, "scrape_series_added")).isEqualTo(1.0);
            assertThat(scrape(loop, "b 2\n")).doesNotContainKey(a);
        }
    }

    @Test
    void aSeriesWithItsOwnTimestampGetsNoStalenessMarker() throws Exception {
        try (StubTarget stub = new StubTarget()) {
            ScrapeLoop loop = loop(stub, true, 0);
            scrape(loop, "stamped 1 1700000000000\nplain 1\n");

            Map<Labels, TimeSeries> next = scrape(loop, "other 1\n");

            assertThat(next.keySet()).extracting(Labels::metricName).contains("plain").doesNotContain("stamped");
        }
    }
}
