package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.StubReceiver;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.Await;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

class AgentPushIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void pushedSamplesAreForwardedWithExternalLabelsAndOnlyToHealthyInsertReplicas() throws Exception {
        try (StubReceiver healthy = new StubReceiver(); StubReceiver unhealthy = new StubReceiver()) {
            unhealthy.health(503);
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    global: {external_labels: {region: push}}
                    remote_write:
                      - url: http://insert/insert/0/prometheus/api/v1/write
                        queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms}
                    """);
            try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of(
                    "spring.cloud.discovery.client.simple.instances.insert[0].uri", unhealthy.baseUrl(),
                    "spring.cloud.discovery.client.simple.instances.insert[1].uri", healthy.baseUrl(),
                    "basalt.agent.max-insert-request-size", "1KB"))) {
                WebClient web = WebClient.create("http://127.0.0.1:"
                        + agent.getEnvironment().getProperty("local.server.port"));
                for (int i = 0; i < 5; i++) {
                    byte[] body = RemoteWriteEncoder.encode(List.of(TimeSeries.single(
                            Labels.of("__name__", "pushed", "n", Integer.toString(i)), 1_700_000_000_000L + i, i)));
                    int status = web.post().uri("/api/v1/write").header("Content-Encoding", "snappy")
                            .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE).bodyValue(body)
                            .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                            .block(Duration.ofSeconds(10));
                    assertThat(status).isEqualTo(204);
                    // One request per push, so that round-robin alone would hit the unhealthy replica.
                    int sent = i + 1;
                    Await.until(Duration.ofSeconds(30), "push " + sent + " to be forwarded", () -> healthy.series(
                            s -> s.labels().metricName().equals("pushed")).size()
                            + unhealthy.series(s -> s.labels().metricName().equals("pushed")).size() == sent);
                }
                int imported = web.post().uri("/api/v1/import/prometheus").header("Content-Type", "text/plain")
                        .bodyValue("imported_total{a=\"b\"} 3 1700000000000\n")
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                        .block(Duration.ofSeconds(10));
                assertThat(imported).isEqualTo(204);
                int garbage = web.post().uri("/api/v1/write").bodyValue(new byte[] { 1, 2, 3 })
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                        .block(Duration.ofSeconds(10));
                assertThat(garbage).isEqualTo(400);
                String tooLarge = web.post().uri("/api/v1/import/prometheus").header("Content-Type", "text/plain")
                        .bodyValue("too_large_total 1 1700000000000\n".repeat(100))
                        .exchangeToMono(r -> r.bodyToMono(String.class).map(b -> r.statusCode().value() + " " + b))
                        .block(Duration.ofSeconds(10));
                assertThat(tooLarge).startsWith("413 ").contains("1024");

                Await.until(Duration.ofSeconds(30), "every pushed series at the healthy replica",
                        () -> healthy.series(s -> s.labels().metricName().equals("pushed")).size() == 5
                                && !healthy.series(s -> s.labels().metricName().equals("imported_total")).isEmpty());
                assertThat(healthy.series(s -> s.labels().metricName().equals("pushed")))
                        .allMatch(s -> s.labels().get("region").equals("push"));
                assertThat(healthy.series(s -> s.labels().metricName().equals("imported_total")).get(0))
                        .isEqualTo(TimeSeries.single(Labels.of("__name__", "imported_total", "a", "b",
                                "region", "push"), 1_700_000_000_000L, 3));
                assertThat(unhealthy.received()).isEmpty();
                assertThat(healthy.series(s -> s.labels().metricName().equals("too_large_total"))).isEmpty();
            }
        }
    }

    @Test
    void aPushIsOnTheDiskQueueBeforeItIsAcknowledged() throws Exception {
        try (StubReceiver down = new StubReceiver()) {
            down.answer(503);
            // A batch would wait an hour in memory: only an explicit flush can put the push on disk.
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    remote_write:
                      - url: http://insert/insert/0/prometheus/api/v1/write
                        queue_config: {batch_send_deadline: 1h, max_samples_per_send: 100000}
                    """);
            try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of(
                    "spring.cloud.discovery.client.simple.instances.insert[0].uri", down.baseUrl()))) {
                WebClient web = WebClient.create("http://127.0.0.1:"
                        + agent.getEnvironment().getProperty("local.server.port"));
                byte[] body = RemoteWriteEncoder.encode(List.of(TimeSeries.single(
                        Labels.of("__name__", "pushed"), 1_700_000_000_000L, 1)));
                int status = web.post().uri("/api/v1/write").header("Content-Encoding", "snappy")
                        .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE).bodyValue(body)
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                        .block(Duration.ofSeconds(10));
                String metrics = web.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                        .block(Duration.ofSeconds(10));

                assertThat(status).isEqualTo(204);
                assertThat(metrics).containsPattern("basalt_agent_remote_write_queue_blocks\\{[^}]*\\} 1\\.0");
            }
        }
    }
}
