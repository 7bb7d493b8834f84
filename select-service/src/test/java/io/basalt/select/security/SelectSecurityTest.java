package io.basalt.select.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * select with {@code basalt.security.auth} on: the UI asks the browser for basic credentials, a reader bound to a
 * tenant sees only that tenant's UI, and the targets view reaches the agents with select's own client token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SelectSecurityTest {

    private static final List<String> AGENT_AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    private static final HttpServer AGENT = agent();

    private static final String READER = "Basic " + Base64.getEncoder()
        .encodeToString("reader:reader-pw".getBytes(StandardCharsets.UTF_8));

    private static final String OPERATOR = "Basic " + Base64.getEncoder()
        .encodeToString("operator:operator-pw".getBytes(StandardCharsets.UTF_8));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) {
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", () -> "http://127.0.0.1:9");
        r.add("basalt.select.ui.agents[0]", () -> "http://127.0.0.1:" + AGENT.getAddress().getPort());
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.users[0].username", () -> "reader");
        r.add("basalt.security.auth.users[0].password-hash", () -> new BCryptPasswordEncoder(4).encode("reader-pw"));
        r.add("basalt.security.auth.users[0].tenants[0]", () -> "1");
        r.add("basalt.security.auth.users[1].username", () -> "operator");
        r.add("basalt.security.auth.users[1].password-hash", () -> new BCryptPasswordEncoder(4).encode("operator-pw"));
        r.add("basalt.security.auth.users[1].tenants[0]", () -> "0");
        r.add("basalt.security.client.bearer-token", () -> "select-to-agents");
    }

    @AfterAll
    static void stop() {
        AGENT.stop(0);
    }

    @LocalServerPort
    int port;

    @Test
    void theUiPromptsForBasicCredentialsAndServesTheReadersTenantOnly() throws Exception {
        HttpResponse<String> prompt = get("/select/1/ui/", null);
        assertThat(prompt.statusCode()).isEqualTo(401);
        assertThat(prompt.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"basalt\"");

        assertThat(get("/select/1/ui/", READER).statusCode()).isEqualTo(200);
        assertThat(get("/select/2/ui/", READER).statusCode()).isEqualTo(403);
    }

    @Test
    void theTargetsViewCallsTheAgentsWithSelectsOwnToken() throws Exception {
        HttpResponse<String> targets = get("/select/0/ui/api/targets", OPERATOR);

        assertThat(targets.statusCode()).isEqualTo(200);
        assertThat(AGENT_AUTHORIZATIONS).isNotEmpty().allMatch("Bearer select-to-agents"::equals);
    }

    @Test
    void aReaderOfAnotherTenantGetsNoTargetsAndCannotAskForTenantZeros() throws Exception {
        int before = AGENT_AUTHORIZATIONS.size();

        HttpResponse<String> own = get("/select/1/ui/api/targets", READER);

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"activeTargets\":[]").contains("tenant 0 only");
        assertThat(get("/select/0/ui/api/targets", READER).statusCode()).isEqualTo(403);
        assertThat(AGENT_AUTHORIZATIONS).hasSize(before);
    }

    @Test
    void deletingSeriesIsBoundToTheCredentialsTenantsLikeReading() throws Exception {
        String delete = "/delete/%s/prometheus/api/v1/admin/tsdb/delete_series?match%%5B%%5D=up";

        assertThat(post(delete.formatted(1), null).statusCode()).isEqualTo(401);
        assertThat(post(delete.formatted(2), READER).statusCode()).isEqualTo(403);
        // Let through to the handler, which cannot reach the only storage node: not done, so not 204.
        assertThat(post(delete.formatted(1), READER).statusCode()).isEqualTo(503);
    }

    private HttpResponse<String> post(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpServer agent() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v1/targets", ex -> {
                AGENT_AUTHORIZATIONS.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                byte[] body = "{\"status\":\"success\",\"data\":{\"activeTargets\":[],\"droppedTargets\":[]}}"
                    .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
