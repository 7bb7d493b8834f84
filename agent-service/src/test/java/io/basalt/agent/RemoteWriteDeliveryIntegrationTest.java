package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.StubReceiver;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.StubTarget;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/** How the agent hands batches to a remote-write receiver: throttling and request size. */
class RemoteWriteDeliveryIntegrationTest {

    @TempDir
    Path dir;

    private StubReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new StubReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aBatchAnswered429IsRetriedWithGrowingBackOffAndDeliveredOnceTheReceiverAccepts() throws Exception {
        receiver.answer(429);
        Path config = Files.writeString(dir.resolve("agent.yml"), """
                remote_write:
                  - url: %s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 100ms, max_backoff: 400ms}
                """.formatted(receiver.baseUrl()));
        try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of())) {
            int status = WebClient.create("http://127.0.0.1:" + agent.getEnvironment().getProperty("local.server.port"))
                    .post().uri("/api/v1/import/prometheus").header("Content-Type", "text/plain")
                    .bodyValue("throttled_total 7 1700000000000\n")
                    .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                    .block(Duration.ofSeconds(10));
            assertThat(status).isEqualTo(204);
            Await.until(Duration.ofSeconds(30), "five attempts", () -> receiver.requestLog().size() >= 5);
            receiver.answer(204);
            Await.until(Duration.ofSeconds(30), "the sample to be accepted",
                    () -> !receiver.series(s -> s.labels().metricName().equals("throttled_total")).isEmpty());

            List<StubReceiver.Request> log = receiver.requestLog();
            assertThat(log).as("the same one-sample batch each time").allMatch(r -> r.samples() == 1);
            assertThat(log.get(0).status()).isEqualTo(429);
            // min_backoff doubling per attempt up to max_backoff: 100, 200, 400, 400 ms (lower bounds with 10% slack
            // for timer granularity; a loaded machine only makes the gaps longer).
            long[] minimum = { 90, 180, 360, 360 };
            for (int i = 0; i < minimum.length; i++) {
                long gapMillis = (log.get(i + 1).atNanos() - log.get(i).atNanos()) / 1_000_000;
                assertThat(gapMillis).as("gap after attempt " + (i + 1)).isGreaterThanOrEqualTo(minimum[i]);
            }
            assertThat(receiver.series(s -> s.labels().metricName().equals("throttled_total"))).hasSize(1)
                    .allMatch(s -> s.value(0) == 7.0);
            MeterRegistry registry = agent.getBean(MeterRegistry.class);
            assertThat(registry.find("basalt.agent.remote.write.retries").tag("cause", "http_429").counter().count())
                    .isGreaterThanOrEqualTo(4);
            assertThat(registry.find("basalt.agent.remote.write.samples.dropped").counters()).isEmpty();
        }
    }

    @Test
    void maxSamplesPerSendSplitsOneLargeScrapeIntoSeveralRequests() throws Exception {
        StringBuilder page = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            page.append("worker_load{worker=\"").append(i).append("\"} ").append(i).append('\n');
        }
        try (StubTarget target = new StubTarget().page("/metrics", page.toString())) {
            // A long deadline: only the size limit cuts batches while the first scrape is queued.
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    global: {scrape_interval: 1s}
                    scrape_configs: [{job_name: big, static_configs: [{targets: ['%s']}]}]
                    remote_write: [{url: '%s/api/v1/write', queue_config: {max_samples_per_send: 30, batch_send_deadline: 5s}}]
                    """.formatted(target.address(), receiver.baseUrl()));
            try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of())) {
                Await.until(Duration.ofSeconds(30), "every series of a scrape", () -> receiver.series(
                        s -> s.labels().metricName().equals("worker_load")).stream().map(s -> s.labels()).distinct()
                        .count() == 100);
            }
        }
        List<StubReceiver.Request> log = receiver.requestLog();
        assertThat(log).as("no request over max_samples_per_send").allMatch(r -> r.samples() <= 30);
        assertThat(log.stream().filter(r -> r.samples() == 30).count()).as("full requests").isGreaterThanOrEqualTo(3);
    }
}
