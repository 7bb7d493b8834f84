package io.basalt.select.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The targets proxy on its own, without a Spring context. */
class AgentTargetsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode targets(UiProperties props) {
        return targets(props, "0");
    }

    private static JsonNode targets(UiProperties props, String tenant) {
        return JSON.readTree(new AgentTargets(props, WebClient.builder()).targets(tenant)
            .block(Duration.ofSeconds(10)));
    }

    @Test
    void anotherTenantSeesNoTargetsAndAWarningAndNoAgentIsAsked() throws Exception {
        try (UiStubAgent agent = new UiStubAgent(UiStubAgent.twoTargets(Instant.now().toString()))) {
            UiProperties props = new UiProperties();
            props.setAgents(List.of(URI.create(agent.url())));

            for (String tenant : List.of("1", "0:1", "7:3")) {
                JsonNode root = targets(props, tenant);
                assertThat(root.path("status").asString()).isEqualTo("success");
                assertThat(root.path("data").path("activeTargets")).as(tenant).isEmpty();
                assertThat(root.path("data").path("agents")).as(tenant).isEmpty();
                assertThat(root.path("warnings")).singleElement()
                    .satisfies(w -> assertThat(w.asString()).contains("tenant 0 only"));
            }
            assertThat(agent.requests()).isZero();
            assertThat(targets(props, "0:0").path("data").path("activeTargets")).hasSize(2);
            assertThat(agent.requests()).isEqualTo(1);
        }
    }

    @Test
    void withNoAgentsConfiguredTheAnswerIsEmptyAndNotAnError() {
        JsonNode root = targets(new UiProperties());
        assertThat(root.path("status").asString()).isEqualTo("success");
        assertThat(root.path("data").path("agents")).isEmpty();
        assertThat(root.path("data").path("activeTargets")).isEmpty();
        assertThat(root.has("warnings")).isFalse();
    }

    @Test
    void anAgentThatAcceptsButNeverAnswersTimesOutWithoutHoldingUpTheOthers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                UiStubAgent agent = new UiStubAgent(UiStubAgent.twoTargets(Instant.now().toString()))) {
            UiProperties props = new UiProperties();
            props.setAgents(List.of(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    URI.create(agent.url() + "/")));
            props.setAgentTimeout(Duration.ofMillis(500));
            JsonNode root = targets(props);
            assertThat(root.path("data").path("agents").get(0).path("error").asString())
                .isEqualTo("did not answer in time");
            // a trailing slash on the configured URL still reaches /api/v1/targets
            assertThat(root.path("data").path("activeTargets")).hasSize(2);
        }
    }
}
