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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

class RemoteWriteShardingIntegrationTest {

    @TempDir
    Path dir;

    private static Set<String> hosts(StubReceiver receiver) {
        Set<String> out = new HashSet<>();
        Predicate<TimeSeries> pushed = s -> s.labels().metricName().equals("pushed");
        receiver.series(pushed).forEach(s -> out.add(s.labels().get("host")));
        return out;
    }

    @Test
    void withShardByUrlEachSeriesGoesToExactlyOneUrl() throws Exception {
        try (StubReceiver a = new StubReceiver(); StubReceiver b = new StubReceiver()) {
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    remote_write:
                      - url: %s/api/v1/write
                        queue_config: {batch_send_deadline: 100ms}
                      - url: %s/api/v1/write
                        queue_config: {batch_send_deadline: 100ms}
                    """.formatted(a.baseUrl(), b.baseUrl()));
            try (ConfigurableApplicationContext agent = TestAgents.start(config, dir.resolve("data"),
                    Map.of("basalt.agent.shard-by-url", "true"))) {
                List<TimeSeries> series = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    series.add(TimeSeries.single(Labels.of("__name__", "pushed", "host", "h" + i),
                            1_700_000_000_000L, i));
                }
                int status = WebClient.create("http://127.0.0.1:"
                        + agent.getEnvironment().getProperty("local.server.port")).post().uri("/api/v1/write")
                        .header("Content-Encoding", "snappy").header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                        .bodyValue(RemoteWriteEncoder.encode(series))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                        .block(Duration.ofSeconds(10));
                assertThat(status).isEqualTo(204);
                Await.until(Duration.ofSeconds(30), "all 40 series at one receiver or the other",
                        () -> hosts(a).size() + hosts(b).size() >= 40);

                Set<String> both = new HashSet<>(hosts(a));
                both.retainAll(hosts(b));
                Set<String> union = new HashSet<>(hosts(a));
                union.addAll(hosts(b));
                assertThat(both).isEmpty();
                assertThat(union).hasSize(40);
                assertThat(hosts(a)).isNotEmpty();
                assertThat(hosts(b)).isNotEmpty();
            }
        }
    }
}
