package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.HttpSdConfig;
import io.basalt.scrape.config.TargetGroup;
import io.basalt.scrape.support.FakeJsonApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpSdTest {

    private static HttpSdConfig config(FakeJsonApi api, String extra) {
        return (HttpSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: sd
                    http_sd_configs:
                      - url: %s/sd
                        refresh_interval: 15s
                %s
                """.formatted(api.baseUrl(), extra), null).scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    @Test
    void groupsComeWithTheirLabelsAndTheUrlAsMetaUrl() throws Exception {
        try (FakeJsonApi api = new FakeJsonApi()) {
            api.json("/sd", () -> """
                    [{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"], "labels": {"env": "prod"}},
                     {"targets": ["10.0.0.3:9100"]}]
                    """);
            HttpSdConfig config = config(api, "        authorization: {credentials: s3cret}");
            List<TargetGroup> groups = new HttpSd(config).get();

            String url = api.baseUrl() + "/sd";
            assertThat(groups).containsExactly(
                    new TargetGroup(List.of("10.0.0.1:9100", "10.0.0.2:9100"),
                            Labels.of("__meta_url", url, "env", "prod"), url + ":0"),
                    new TargetGroup(List.of("10.0.0.3:9100"), Labels.of("__meta_url", url), url + ":1"));
            assertThat(api.requests()).singleElement().satisfies(r -> {
                assertThat(r.authorization()).isEqualTo("Bearer s3cret");
                assertThat(r.refreshInterval()).isEqualTo("15");
            });
        }
    }

    @Test
    void anAnswerThatIsNotAJsonListOfGroupsFailsWithTheReason() throws Exception {
        try (FakeJsonApi api = new FakeJsonApi()) {
            HttpSd sd = new HttpSd(config(api, ""));
            api.answer("/sd", 200, "text/plain", () -> "[]");
            assertThatThrownBy(sd::get).isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("unsupported content type \"text/plain\"");
            api.answer("/sd", 500, "application/json", () -> "[]");
            assertThatThrownBy(sd::get).isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("HTTP status 500");
            api.json("/sd", () -> "{\"targets\": []}");
            assertThatThrownBy(sd::get).isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("expected a list of target groups");
            api.json("/sd", () -> "[{\"targets\": [\"a:1\"], \"labels\": {\"bad-name\": \"x\"}}]");
            assertThatThrownBy(sd::get).isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("\"bad-name\" is not a valid label name");
        }
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodGroupsAndIsReported() throws Exception {
        try (FakeJsonApi api = new FakeJsonApi()) {
            AtomicReference<String> body = new AtomicReference<>("[{\"targets\": [\"a:1\"]}]");
            api.json("/sd", body::get);
            List<Boolean> outcomes = new ArrayList<>();
            HttpSdConfig config = config(api, "");
            PolledDiscovery d = new PolledDiscovery("test", new HttpSd(config), config.refreshInterval(),
                    outcomes::add);

            assertThat(d.refresh(0)).isTrue();
            assertThat(d.refresh(1_000)).as("not due before refresh_interval").isFalse();
            api.answer("/sd", 503, "text/plain", () -> "down");
            assertThat(d.refresh(15_000)).isFalse();
            assertThat(d.groups()).singleElement().satisfies(g -> assertThat(g.targets()).containsExactly("a:1"));
            assertThat(d.lastError()).contains("503");
            body.set("[{\"targets\": [\"b:2\"]}]");
            api.json("/sd", body::get);
            assertThat(d.refresh(30_000)).isTrue();
            assertThat(d.groups()).singleElement().satisfies(g -> assertThat(g.targets()).containsExactly("b:2"));
            assertThat(outcomes).containsExactly(true, false, true);
            assertThat(api.requests()).hasSize(3);
        }
    }

    @Test
    void theRefreshIntervalDefaultsToPrometheusOneMinute() throws Exception {
        HttpSdConfig c = (HttpSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: sd
                    http_sd_configs: [{url: 'http://sd.example/targets'}]
                """, null).scrapeConfigs().get(0).discoveryConfigs().get(0);
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
    }
}
