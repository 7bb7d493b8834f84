package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.Await;
import io.basalt.agent.support.StubReceiver;
import io.basalt.agent.support.StubTarget;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        target = new StubTarget().page("/metrics", "requests_total 5\n");
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
    void everySampleScrapedDuringAnOutageArrivesEvenAcrossAnAgentRestart() {
        receiver.answer(503);
        long scrapedByFirst;
        try (ConfigurableApplicationContext first = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            Await.until(Duration.ofSeconds(30), "three failed deliveries", () -> receiver.requests() >= 3
                    && scrapes(first) >= 3);
            scrapedByFirst = scrapes(first);
        }
        assertThat(receiver.received()).isEmpty();

        try (ConfigurableApplicationContext second = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            Await.until(Duration.ofSeconds(30), "the second agent to scrape while insert is still down",
                    () -> scrapes(second) >= 2);
            receiver.answer(204);
            long atRecovery = scrapedByFirst + scrapes(second);
            Await.until(Duration.ofSeconds(30), "every scrape's up sample",
                    () -> upTimestamps().size() >= atRecovery);
            Await.until(Duration.ofSeconds(30), "the backlog to drain",
                    () -> second.getBean(AgentRuntime.class).queues().get(0).disk().pendingBlocks() == 0);
        }
        assertThat(upTimestamps()).hasSizeGreaterThanOrEqualTo((int) scrapedByFirst + 2);
        // Every successful scrape's page sample came along with its up sample.
        assertThat(timestamps("requests_total", v -> !StaleMarker.isStale(v)))
                .isEqualTo(timestamps("up", v -> v == 1.0));
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
