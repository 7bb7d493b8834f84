package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TimeSeries;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.discovery.Discoveries;
import io.basalt.scrape.discovery.JndiDnsResolver;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.DiscoveryRecorder;
import io.basalt.scrape.support.FakeJsonApi;
import io.basalt.scrape.support.StubTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Targets found by service discovery are scraped with their __meta_* labels available to relabeling. */
class ServiceDiscoveryScrapeTest {

    private final List<TimeSeries> written = new CopyOnWriteArrayList<>();

    private final DiscoveryRecorder listener = new DiscoveryRecorder();

    private boolean scraped(String address) {
        return written.stream().anyMatch(ts -> ts.labels().metricName().equals("up")
                && address.equals(ts.labels().get("instance")) && ts.value(ts.size() - 1) == 1.0);
    }

    @Test
    void targetsFromAnHttpSdEndpointAreScrapedAndFollowItsChanges() throws Exception {
        try (StubTarget first = new StubTarget(); StubTarget second = new StubTarget();
                FakeJsonApi sd = new FakeJsonApi()) {
            first.page("/metrics", "first_page 1\n");
            second.page("/metrics", "second_page 1\n");
            AtomicReference<String> answer = new AtomicReference<>(
                    "[{\"targets\": [\"" + first.address() + "\"], \"labels\": {\"team\": \"a\"}}]");
            sd.json("/targets", answer::get);
            try (ScrapeManager scrapes = new ScrapeManager(written::addAll, Clock.systemUTC(), 1 << 20,
                    Duration.ofMillis(100), 0, listener, new Discoveries(JndiDnsResolver.system()))) {
                scrapes.apply(AgentConfigLoader.parse("agent.yml", """
                        scrape_configs:
                          - job_name: discovered
                            scrape_interval: 200ms
                            scrape_timeout: 200ms
                            http_sd_configs: [{url: '%s/targets', refresh_interval: 300ms}]
                            relabel_configs:
                              - {source_labels: [__meta_url], regex: 'http://.*/(.*)', target_label: sd_path}
                        """.formatted(sd.baseUrl()), null));

                Await.until(Duration.ofSeconds(30), "the discovered target to be scraped",
                        () -> scraped(first.address()));
                TimeSeries page = written.stream().filter(ts -> ts.labels().metricName().equals("first_page"))
                        .findFirst().orElseThrow();
                assertThat(page.labels().get("team")).isEqualTo("a");
                assertThat(page.labels().get("sd_path")).isEqualTo("targets");
                assertThat(page.labels().get("job")).isEqualTo("discovered");

                answer.set("[{\"targets\": [\"" + second.address() + "\"]}]");
                Await.until(Duration.ofSeconds(30), "the target the endpoint announces next to be scraped",
                        () -> scraped(second.address()));
                Await.until(Duration.ofSeconds(30), "the target no longer announced to stop",
                        () -> scrapes.loops().stream().noneMatch(l -> first.address().equals(
                                l.target().labels().get("instance"))));
                assertThat(listener.refreshes()).contains("discovered http_sd true");
            }
        }
    }
}
