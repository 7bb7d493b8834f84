package io.basalt.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.basalt.agent.support.StubReceiver;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.StubTarget;
import io.basalt.scrape.support.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The agent's remote-write hop with the credentials of its Prometheus config: mutual TLS with basic auth from a
 * password file, a bearer token file and OAuth2 client credentials, each file rotated while the agent runs; and no
 * secret on any page or in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class AgentSecurityIntegrationTest {

    @TempDir
    Path dir;

    private StubTarget target;

    private StubReceiver mtls;

    private StubReceiver bearer;

    private StubReceiver oauth;

    private HttpServer tokenEndpoint;

    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    private final AtomicInteger tokensIssued = new AtomicInteger();

    private ConfigurableApplicationContext agent;

    @BeforeEach
    void stubs() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        TestCertificates.Issued insert = certs.issue("insert");
        TestCertificates.Issued agentCert = certs.issue("agent");
        Files.copy(agentCert.certFile(), dir.resolve("client.crt"));
        Files.copy(agentCert.keyFile(), dir.resolve("client.key"));
        target = new StubTarget().page("/metrics", "requests_total 5\n");
        mtls = new StubReceiver(certs.serverContext(insert));
        bearer = new StubReceiver();
        oauth = new StubReceiver();
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            byte[] answer = ("{\"access_token\":\"issued-" + tokensIssued.incrementAndGet()
                    + "\",\"token_type\":\"bearer\",\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        tokenEndpoint.start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        target.close();
        mtls.close();
        bearer.close();
        oauth.close();
        tokenEndpoint.stop(0);
    }

    @Test
    void remoteWriteSendsTheConfiguredCredentialsAndPicksUpRotatedFiles(CapturedOutput output) throws Exception {
        Files.writeString(dir.resolve("insert_password"), "pw-before-rotation\n");
        Files.writeString(dir.resolve("insert_token"), "token-before-rotation");
        Files.writeString(dir.resolve("oauth_secret"), "client-secret-1");
        Files.writeString(dir.resolve("agent.yml"), """
                global: {scrape_interval: 300ms}
                scrape_configs:
                  - job_name: stub
                    basic_auth: {username: scraper, password: inline-scrape-secret}
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: %s/api/v1/write
                    basic_auth: {username: agent, password_file: insert_password}
                    tls_config: {ca_file: ca.crt, cert_file: client.crt, key_file: client.key}
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms}
                  - url: %s/api/v1/write
                    bearer_token_file: insert_token
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms}
                  - url: %s/api/v1/write
                    oauth2:
                      client_id: basalt-agent
                      client_secret_file: oauth_secret
                      token_url: http://127.0.0.1:%d/token
                      scopes: [metrics.write]
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms}
                """.formatted(target.address(), mtls.baseUrl(), bearer.baseUrl(), oauth.baseUrl(),
                tokenEndpoint.getAddress().getPort()));
        agent = TestAgents.start(dir.resolve("agent.yml"), dir.resolve("data"), Map.of());

        Await.until(Duration.ofSeconds(30), "a write at each receiver", () -> !mtls.received().isEmpty()
                && !bearer.received().isEmpty() && !oauth.received().isEmpty());
        assertThat(mtls.clientSubjects()).contains("CN=agent");
        assertThat(mtls.authorizations()).contains(basic("agent", "pw-before-rotation"));
        assertThat(bearer.authorizations()).contains("Bearer token-before-rotation");
        assertThat(oauth.authorizations()).contains("Bearer issued-1");
        assertThat(tokenRequests.get(0)).isEqualTo(basic("basalt-agent", "client-secret-1")
                + " grant_type=client_credentials&scope=metrics.write");

        Files.writeString(dir.resolve("insert_password"), "pw-after-rotation");
        Files.writeString(dir.resolve("insert_token"), "token-after-rotation\n");
        Files.writeString(dir.resolve("oauth_secret"), "client-secret-2");
        Await.until(Duration.ofSeconds(30), "the rotated credentials on later writes",
                () -> mtls.authorizations().contains(basic("agent", "pw-after-rotation"))
                        && bearer.authorizations().contains("Bearer token-after-rotation")
                        && oauth.authorizations().contains("Bearer issued-2"));
        // One token per client secret: the token is cached until it expires or the secret changes.
        assertThat(tokensIssued.get()).isEqualTo(2);
        assertThat(target.authorizations()).contains(basic("scraper", "inline-scrape-secret"));

        List<String> secrets = List.of("inline-scrape-secret", "pw-before-rotation", "pw-after-rotation",
                "token-before-rotation", "token-after-rotation", "client-secret", "issued-");
        for (String path : List.of("/api/v1/status", "/api/v1/status/config", "/api/v1/targets", "/targets",
                "/actuator/prometheus")) {
            String page = get(path);
            assertThat(secrets).as(path).noneMatch(page::contains);
        }
        assertThat(get("/api/v1/status/config")).contains("password: <secret>", "password_file: insert_password");
        agent.close();
        agent = null;
        assertThat(secrets).as("the log").noneMatch(output.getAll()::contains);
    }

    @Test
    void aWriteRefusedForItsCredentialsShowsTheStatusButNeverTheSecret(CapturedOutput output) throws Exception {
        bearer.answer(401);
        Files.writeString(dir.resolve("agent.yml"), """
                global: {scrape_interval: 300ms}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: http://writer:url-password@%s/api/v1/write
                    authorization: {type: Token, credentials: wrong-credentials}
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(target.address(), bearer.baseUrl().substring("http://".length())));
        agent = TestAgents.start(dir.resolve("agent.yml"), dir.resolve("data"), Map.of());

        Await.until(Duration.ofSeconds(30), "a refused write", () -> get("/api/v1/status").contains("HTTP 401"));
        assertThat(bearer.authorizations()).contains("Token wrong-credentials");
        for (String path : List.of("/api/v1/status", "/api/v1/status/config", "/actuator/prometheus")) {
            String page = get(path);
            assertThat(page).as(path).doesNotContain("wrong-credentials").doesNotContain("url-password");
        }
        assertThat(get("/api/v1/status")).contains("http://writer:xxxxx@");
        assertThat(output.getAll()).doesNotContain("wrong-credentials").doesNotContain("url-password");
    }

    /** Stands for node-runtime's {@code basalt.security.client.*} customizer: credentials for every WebClient. */
    @Configuration(proxyBeanMethods = false)
    static class NodeWideClientCredentials {

        @Bean
        WebClientCustomizer nodeWideCredentials() {
            return builder -> builder.defaultHeader("X-Node-Wide", "yes").filter((request, next) -> next.exchange(
                    ClientRequest.from(request).headers(h -> h.setBearerAuth("node-wide-token")).build()));
        }
    }

    @Test
    void nodeWideClientCredentialsNeverReachRemoteWrite() throws Exception {
        Files.writeString(dir.resolve("agent.yml"), """
                global: {scrape_interval: 300ms}
                scrape_configs:
                  - job_name: stub
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: %s/api/v1/write
                    queue_config: {batch_send_deadline: 100ms}
                """.formatted(target.address(), bearer.baseUrl()));
        agent = TestAgents.start(dir.resolve("agent.yml"), dir.resolve("data"), Map.of(),
                NodeWideClientCredentials.class);

        Await.until(Duration.ofSeconds(30), "writes", () -> bearer.received().size() >= 2);
        assertThat(bearer.authorizations()).containsOnly("null");
    }

    private String get(String path) {
        String port = agent.getEnvironment().getProperty("local.server.port");
        return WebClient.create("http://127.0.0.1:" + port + path).get().retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
