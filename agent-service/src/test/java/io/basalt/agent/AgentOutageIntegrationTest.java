package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.StubReceiver;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.StubTarget;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

class AgentOutageIntegrationTest {

    @TempDir
    Path dir;

    private StubTarget target;

    private StubReceiver receiver;

    private Path config;

    @BeforeEach
    void stubs() throws Exception {
        StringBuilder page = new StringBuilder("requests_total 5\n");
        for (int i = 0; i < 49; i++) {
            page.append("worker_busy{worker=\"").append(i).append("\"} ").append(i % 2).append('\n');
        }
        target = new StubTarget().page("/metrics", page.toString());
        receiver = new StubReceiver();
        config = dir.resolve("agent.yml");
        Files.writeString(config, """
                global: {scrape_interval: 500ms}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: %s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms}
                """.formatted(target.address(), receiver.baseUrl()));
    }

    @AfterEach
    void stop() {
        target.close();
        receiver.close();
    }

    @Test
    void everySampleScrapedDuringAnOutageArrivesEvenAcrossAnAgentRestart() throws Exception {
        receiver.answer(503);
        long scrapedByFirst;
        long samplesScraped;
        try (ConfigurableApplicationContext first = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            Await.until(Duration.ofSeconds(30), "three failed deliveries", () -> receiver.requests() >= 3
                    && scrapes(first) >= 3);
            // Stopped before counting, so that no scrape happens after the count.
            first.getBean(AgentRuntime.class).scrapes().close();
            scrapedByFirst = scrapes(first);
            samplesScraped = samplesScraped(first);
        }
        assertThat(receiver.received()).isEmpty();

        long scrapedBySecond;
        try (ConfigurableApplicationContext second = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            Await.until(Duration.ofSeconds(30), "the second agent to scrape while insert is still down",
                    () -> scrapes(second) >= 2);
            receiver.answer(204);
            long atRecovery = scrapedByFirst + scrapes(second);
            Await.until(Duration.ofSeconds(30), "every scrape's up sample",
                    () -> upTimestamps().size() >= atRecovery);
            AgentRuntime runtime = second.getBean(AgentRuntime.class);
            runtime.scrapes().close();
            scrapedBySecond = scrapes(second);
            samplesScraped += samplesScraped(second);
            runtime.queues().get(0).flush();
            Await.until(Duration.ofSeconds(30), "the backlog to drain",
                    () -> runtime.queues().get(0).disk().pendingBlocks() == 0);
        }
        assertThat(upTimestamps()).hasSize((int) (scrapedByFirst + scrapedBySecond));
        // Every successful scrape's page sample came along with its up sample.
        assertThat(timestamps("requests_total", v -> !StaleMarker.isStale(v)))
                .isEqualTo(timestamps("up", v -> v == 1.0));

        Set<String> distinct = new HashSet<>();
        long staleMarkers = 0;
        for (TimeSeries s : receiver.series(s -> true)) {
            for (int i = 0; i < s.size(); i++) {
                if (StaleMarker.isStale(s.value(i))) {
                    staleMarkers++;
                }
                else {
                    distinct.add(s.labels() + "@" + s.timestamps()[i]);
                }
            }
        }
        long acknowledged = receiver.samplesAcknowledged();
        report(scrapedByFirst + scrapedBySecond, samplesScraped, receiver.samplesPosted(), acknowledged,
                distinct.size(), staleMarkers);
        assertThat(distinct).as("every scraped sample, each (series, timestamp) once after dedup")
                .hasSize((int) samplesScraped);
    }

    /** Prints the figures the closing note of the outage drill quotes, and keeps them in target/agent-outage.md. */
    private static void report(long scrapes, long scraped, long sent, long acknowledged, long found, long stale)
            throws Exception {
        String table = """
                ## Agent outage drill (AgentOutageIntegrationTest)

                Insert answers 503 while agent 1 scrapes; agent 1 stops, agent 2 starts on the same queue directory
                and scrapes while insert is still down; insert comes back and the backlog drains.

                | figure | samples |
                | --- | ---: |
                | scrapes (both agents) | %d |
                | scraped: page samples kept + 5 report series per scrape | %d |
                | sent: in every write request, refused attempts and retries included | %d |
                | acknowledged: in requests answered 2xx | %d |
                | found: distinct (series, timestamp) at the receiver, staleness markers aside | %d |
                | missing (scraped - found) | %d |
                | delivered twice (acknowledged - found - staleness markers) | %d |
                | staleness markers (written when a scrape loop stops) | %d |
                """.formatted(scrapes, scraped, sent, acknowledged, found, scraped - found,
                acknowledged - found - stale, stale);
        System.out.println(table);
        Path out = Path.of("target", "agent-outage.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    /** What the scrapes wrote: the page's samples left after relabeling, and up and the four other report series. */
    private static long samplesScraped(ConfigurableApplicationContext agent) {
        double kept = agent.getBean(MeterRegistry.class).find("basalt.agent.samples.kept").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        return (long) kept + 5 * scrapes(agent);
    }

    @Test
    void aReloadThatChangesTheQueueSettingsOfAUrlKeepsItsBacklog() throws Exception {
        receiver.answer(503);
        try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            Await.until(Duration.ofSeconds(30), "a backlog of three scrapes", () -> scrapes(agent) >= 3);
            Files.writeString(config, Files.readString(config).replace("batch_send_deadline: 100ms",
                    "batch_send_deadline: 200ms"));
            agent.getBean(AgentRuntime.class).reload();
            long beforeRecovery = scrapes(agent);
            receiver.answer(204);
            Await.until(Duration.ofSeconds(30), "every scrape from before and after the reload",
                    () -> upTimestamps().size() >= beforeRecovery);
        }
    }

    @Test
    void aBatchRefusedWith4xxIsDroppedAndCountedInsteadOfRetriedForever() {
        receiver.answer(400);
        try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            MeterRegistry registry = agent.getBean(MeterRegistry.class);
            Await.until(Duration.ofSeconds(30), "a dropped batch", () -> registry.find(
                    "basalt.agent.remote.write.samples.dropped").tag("reason", "http_4xx").counters().stream()
                    .mapToDouble(c -> c.count()).sum() > 0);
            receiver.answer(204);
            Await.until(Duration.ofSeconds(30), "later batches to arrive", () -> !receiver.received().isEmpty());
            assertThat(registry.find("basalt.agent.remote.write.retries").counters()).isEmpty();
        }
    }

    private static long scrapes(ConfigurableApplicationContext agent) {
        return (long) agent.getBean(MeterRegistry.class).find("basalt.agent.scrapes").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** One per scrape: up is written for failed scrapes too, and only the stop adds a staleness marker. */
    private Set<Long> upTimestamps() {
        return timestamps("up", v -> !StaleMarker.isStale(v));
    }

    private Set<Long> timestamps(String metric, DoublePredicate value) {
        return receiver.series(s -> s.labels().metricName().equals(metric) && value.test(s.value(0))).stream()
                .map(TimeSeries::timestamps).map(t -> t[0]).collect(Collectors.toCollection(TreeSet::new));
    }
}
