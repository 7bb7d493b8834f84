package io.basalt.storage.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * storage with {@code basalt.security.auth} on: its internal API and snapshots act on every tenant, so only a
 * credential bound to no tenant (the insert and select tiers') may call them; a tenant-bound one gets 403.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StorageSecurityTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String TIER = "Bearer tier-token";

    private static final String TENANT_BOUND = "Basic " + Base64.getEncoder()
        .encodeToString("grafana:grafana-pw".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) {
        r.add("basalt.storage.data-path", () -> dataPath.toString());
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.tokens[0].name", () -> "tiers");
        r.add("basalt.security.auth.tokens[0].token", () -> "tier-token");
        r.add("basalt.security.auth.users[0].username", () -> "grafana");
        r.add("basalt.security.auth.users[0].password-hash", () -> new BCryptPasswordEncoder(4).encode("grafana-pw"));
        r.add("basalt.security.auth.users[0].tenants[0]", () -> "0");
    }

    @LocalServerPort
    int port;

    @Test
    void crossTenantApisNeedACredentialBoundToNoTenant() throws Exception {
        for (String path : new String[] { "/internal/force_flush", "/snapshot/list" }) {
            assertThat(post(path, new byte[0], null).statusCode()).as(path).isEqualTo(401);
            assertThat(post(path, new byte[0], TENANT_BOUND).statusCode()).as(path).isEqualTo(403);
            assertThat(post(path, new byte[0], TIER).statusCode()).as(path).isBetween(200, 299);
        }
    }

    /** The body names the tenant, and storage trusts it: a tenant's own credential must not reach this either. */
    @Test
    void deletingSeriesNeedsACredentialBoundToNoTenantEvenForThatCredentialsTenant() throws Exception {
        byte[] body = new SearchQuery(TenantId.DEFAULT, 0, 0, List.of(LabelMatcher.equal("__name__", "x")), 0)
            .encode();

        assertThat(post("/internal/delete_series", body, null).statusCode()).isEqualTo(401);
        assertThat(post("/internal/delete_series", body, TENANT_BOUND).statusCode()).isEqualTo(403);
        HttpResponse<String> ok = post("/internal/delete_series", body, TIER);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"deletedSeries\":0}");
    }

    @Test
    void theNodesOwnMetricsAreTenantZero() throws Exception {
        assertThat(get("/actuator/prometheus", TENANT_BOUND).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)), authorization);
    }

    private HttpResponse<String> post(String path, byte[] body, String authorization)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", SearchQuery.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)), authorization);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String authorization)
            throws IOException, InterruptedException {
        b.timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
