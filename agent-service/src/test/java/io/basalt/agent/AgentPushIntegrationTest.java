package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.agent.support.StubReceiver;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.Await;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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

    @Test
    void aHalfSentBodyHoldsNoSlotSoOtherPushesGoOn() throws Exception {
        try (StubReceiver receiver = new StubReceiver()) {
            try (ConfigurableApplicationContext agent = oneSlotAgent(receiver, "200ms");
                    Socket slow = new Socket("127.0.0.1", port(agent))) {
                // A sender that declares a body and sends a fraction of it: it holds memory for what it sent.
                slow.getOutputStream().write(("POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
                        + "Content-Length: 1000\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                WebClient web = WebClient.create("http://127.0.0.1:" + port(agent));
                for (int i = 0; i < 3; i++) {
                    assertThat(push(web, pushBody(1, i))).startsWith("204");
                }
            }
        }
    }

    @Test
    void aBurstBeyondTheGateIsAnswered503WithRetryAfterAndCounted() throws Exception {
        try (StubReceiver receiver = new StubReceiver()) {
            try (ConfigurableApplicationContext agent = oneSlotAgent(receiver, "1ms")) {
                WebClient web = WebClient.create("http://127.0.0.1:" + port(agent));
                byte[] body = pushBody(20_000, 0);
                List<String> answers = new ArrayList<>();
                // Sixteen pushes of 20,000 series at once for one slot that is given up after 1 ms of waiting.
                Await.until(Duration.ofSeconds(60), "a push of a burst to be refused by the gate", () -> {
                    answers.clear();
                    answers.addAll(Flux.range(0, 16).flatMap(i -> Mono.fromCallable(() -> push(web, body))
                            .subscribeOn(Schedulers.boundedElastic()), 16).collectList()
                            .block(Duration.ofSeconds(60)));
                    return answers.stream().anyMatch(a -> a.startsWith("503"));
                });
                String metrics = web.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                        .block(Duration.ofSeconds(10));

                assertThat(answers).filteredOn(a -> a.startsWith("503"))
                        .allSatisfy(a -> assertThat(a).startsWith("503 1 ").contains("push requests"));
                assertThat(answers).allSatisfy(a -> assertThat(a).matches("(?s)(204|503) .*"));
                assertThat(metrics).containsPattern(
                        "basalt_agent_push_refused_total\\{[^}]*reason=\"too_busy\"[^}]*\\} [1-9]");
            }
        }
    }

    /** An agent that handles one push at a time; more wait {@code queueDuration} for the slot. */
    private ConfigurableApplicationContext oneSlotAgent(StubReceiver receiver, String queueDuration)
            throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yml"), """
                remote_write:
                  - url: http://insert/insert/0/prometheus/api/v1/write
                """);
        return TestAgents.start(config, dir.resolve("data"), Map.of(
                "spring.cloud.discovery.client.simple.instances.insert[0].uri", receiver.baseUrl(),
                "basalt.agent.max-concurrent-inserts", "1",
                "basalt.agent.insert-queue-duration", queueDuration));
    }

    private static byte[] pushBody(int series, int offset) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", "pushed", "n", Integer.toString(offset + i)),
                    1_700_000_000_000L, i));
        }
        return RemoteWriteEncoder.encode(out);
    }

    /** The answer as "status Retry-After body". */
    private static String push(WebClient web, byte[] body) {
        return web.post().uri("/api/v1/write").header("Content-Encoding", "snappy")
                .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE).bodyValue(body)
                .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                        .map(b -> r.statusCode().value() + " " + r.headers().asHttpHeaders().getFirst("Retry-After")
                                + " " + b))
                .block(Duration.ofSeconds(30));
    }

    @Test
    void aPushTheDiskQueueCannotTakeIsAnswered503AndCounted() throws Exception {
        try (StubReceiver receiver = new StubReceiver()) {
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    remote_write:
                      - url: http://insert/insert/0/prometheus/api/v1/write
                    """);
            try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"), Map.of(
                    "spring.cloud.discovery.client.simple.instances.insert[0].uri", receiver.baseUrl()))) {
                // A queue that can no longer write stands for a full or failing disk.
                agent.getBean(AgentRuntime.class).queues().get(0).disk().close();
                WebClient web = WebClient.create("http://127.0.0.1:" + port(agent));
                String answer = push(web, pushBody(1, 0));
                String metrics = web.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                        .block(Duration.ofSeconds(10));

                assertThat(answer).startsWith("503 5 samples not stored");
                assertThat(metrics).containsPattern(
                        "basalt_agent_remote_write_append_failures_total\\{[^}]*\\} 1\\.0");
                assertThat(metrics).containsPattern(
                        "basalt_agent_push_refused_total\\{[^}]*reason=\"append_failed\"[^}]*\\} 1\\.0");
            }
        }
    }

    private static int port(ConfigurableApplicationContext agent) {
        return Integer.parseInt(agent.getEnvironment().getProperty("local.server.port"));
    }
}
