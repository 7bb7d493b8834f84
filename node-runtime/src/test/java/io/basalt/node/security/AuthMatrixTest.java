package io.basalt.node.security;

import static io.basalt.node.security.NodeHttp.basic;
import static io.basalt.node.security.NodeHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every way in with {@code basalt.security.auth.enabled=true}: none, wrong, and right credentials of each kind
 * (basic, static bearer token, JWT), against tenant paths, the tenant-less write, the internal API and the probes.
 */
@SpringBootTest(classes = SecuredTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthMatrixTest {

    private static final TestJwts JWTS = new TestJwts();

    private static final TestJwts OTHER_KEY = new TestJwts();

    private static final Path SECRETS = tempDir();

    private static final String GRAFANA = basic("grafana", "graf-pass");

    private static final String ADMIN = basic("admin", "admin-pass");

    private static final String QUERY = "/select/%s/prometheus/api/v1/query";

    private static final String DELETE = "/delete/%s/prometheus/api/v1/admin/tsdb/delete_series";

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) throws IOException {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        Path adminHash = Files.writeString(SECRETS.resolve("admin_hash"), bcrypt.encode("admin-pass") + "\n");
        Path agentToken = Files.writeString(SECRETS.resolve("agent_token"), "agent-token-123\n");
        String publicKey = JWTS.publicKeyLocation(SECRETS);
        r.add("management.endpoint.health.probes.enabled", () -> "true");
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.users[0].username", () -> "grafana");
        r.add("basalt.security.auth.users[0].password-hash", () -> bcrypt.encode("graf-pass"));
        r.add("basalt.security.auth.users[0].tenants[0]", () -> "1:0");
        r.add("basalt.security.auth.users[1].username", () -> "admin");
        r.add("basalt.security.auth.users[1].password-hash-file", adminHash::toString);
        r.add("basalt.security.auth.tokens[0].name", () -> "agent");
        r.add("basalt.security.auth.tokens[0].token-file", agentToken::toString);
        r.add("basalt.security.auth.tokens[1].name", () -> "tenant-two");
        r.add("basalt.security.auth.tokens[1].token", () -> "tenant-two-token");
        r.add("basalt.security.auth.tokens[1].tenants[0]", () -> "2");
        r.add("basalt.security.auth.jwt.public-key-location", () -> publicKey);
        r.add("basalt.security.auth.jwt.audience", () -> TestJwts.AUDIENCE);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private NodeHttp http;

    @BeforeEach
    void setUp() {
        http = new NodeHttp(port);
    }

    @Test
    void withoutCredentialsEveryEndpointIs401WithAChallengeForEachScheme() {
        for (HttpResponse<String> r : List.of(http.get(QUERY.formatted(1), null),
                http.post("/insert/1/prometheus/api/v1/write", null), http.post("/api/v1/write", null),
                http.post(DELETE.formatted(1), null),
                http.post("/internal/search", null), http.get("/api/v1/status", null),
                http.get("/actuator/health/nonexistent", null))) {
            assertThat(r.statusCode()).as(r.uri().getPath()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"basalt\"",
                    "Bearer realm=\"basalt\"");
            assertThat(r.body()).isEqualTo("401 authentication required\n");
        }
    }

    @Test
    void probesStayOpen() {
        assertThat(http.get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordOrUnknownUserIs401() {
        assertThat(http.get(QUERY.formatted(1), basic("grafana", "nope")).statusCode()).isEqualTo(401);
        assertThat(http.get(QUERY.formatted(1), basic("nobody", "graf-pass")).statusCode()).isEqualTo(401);
        HttpResponse<String> r = http.get(QUERY.formatted(1), basic("grafana", "nope"));
        assertThat(r.body()).isEqualTo("401 invalid credentials\n");
    }

    @Test
    void basicUserBoundToATenantReachesOnlyThatTenant() {
        HttpResponse<String> ok = http.get(QUERY.formatted(1), GRAFANA);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("query 1");
        assertThat(ok.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(http.get(QUERY.formatted("1:0"), GRAFANA).statusCode()).isEqualTo(200);
        assertThat(http.post("/insert/1/prometheus/api/v1/write", GRAFANA).statusCode()).isEqualTo(200);
        assertThat(http.post(DELETE.formatted(1), GRAFANA).statusCode()).isEqualTo(200);

        HttpResponse<String> other = http.get(QUERY.formatted(2), GRAFANA);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).isEqualTo("403 credential 'grafana' may not address tenant 2:0\n");
        assertThat(http.get(QUERY.formatted("1:1"), GRAFANA).statusCode()).isEqualTo(403);
        // Deleting is tenant-scoped like reading and writing: not a default-tenant path.
        HttpResponse<String> delete = http.post(DELETE.formatted(2), GRAFANA);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(delete.body()).isEqualTo("403 credential 'grafana' may not address tenant 2:0\n");
        assertThat(http.post(DELETE.formatted("bad"), GRAFANA).statusCode()).isEqualTo(403);
        // Tenant-less paths address tenant 0:0.
        assertThat(http.post("/api/v1/write", GRAFANA).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/status", GRAFANA).statusCode()).isEqualTo(403);
    }

    @Test
    void pathTricksDoNotEscapeTheTenantBinding() {
        // Spring Security's firewall refuses empty segments and semicolons outright (400); the query must not run.
        assertThat(http.get("//select/2/prometheus/api/v1/query", GRAFANA).statusCode()).isIn(400, 403);
        assertThat(http.get("/select/2;x=1/prometheus/api/v1/query", GRAFANA).statusCode()).isIn(400, 403);
        assertThat(http.get("/select/%32/prometheus/api/v1/query", GRAFANA).statusCode()).isEqualTo(403);
        assertThat(http.get(QUERY.formatted("bad"), GRAFANA).statusCode()).isEqualTo(403);
    }

    @Test
    void unboundCredentialsReachEveryTenantAndTheInternalApiButBoundOnesDoNot() {
        assertThat(http.get(QUERY.formatted(7), ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.post(DELETE.formatted(7), ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.post("/api/v1/write", ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.post("/internal/search", ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.post("/internal/search", bearer("agent-token-123")).statusCode()).isEqualTo(200);

        assertThat(http.post("/internal/search", GRAFANA).statusCode()).isEqualTo(403);
        assertThat(http.post("/internal/search", bearer("tenant-two-token")).statusCode()).isEqualTo(403);
    }

    @Test
    void staticBearerTokensFromFileOrLiteral() {
        assertThat(http.post("/api/v1/write", bearer("agent-token-123")).statusCode()).isEqualTo(200);
        assertThat(http.get(QUERY.formatted("2:0"), bearer("tenant-two-token")).statusCode()).isEqualTo(200);
        assertThat(http.get(QUERY.formatted(1), bearer("tenant-two-token")).statusCode()).isEqualTo(403);
        assertThat(http.get(QUERY.formatted(2), bearer("tenant-two-token-")).statusCode()).isEqualTo(401);
        assertThat(http.get(QUERY.formatted(2), bearer("agent-token-12")).statusCode()).isEqualTo(401);
    }

    @Test
    void jwtsAreCheckedForSignatureExpiryAndTenantsClaim() {
        assertThat(http.get(QUERY.formatted(3), bearer(JWTS.valid("svc", List.of("3")))).statusCode()).isEqualTo(200);
        assertThat(http.get(QUERY.formatted(4), bearer(JWTS.valid("svc", List.of("3")))).statusCode()).isEqualTo(403);
        assertThat(http.post("/internal/search", bearer(JWTS.valid("svc", List.of("3")))).statusCode())
            .isEqualTo(403);
        assertThat(http.get(QUERY.formatted(4), bearer(JWTS.valid("svc", List.of()))).statusCode()).isEqualTo(403);

        String expired = JWTS.sign("svc", null, Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(5));
        assertThat(http.get(QUERY.formatted(3), bearer(expired)).statusCode()).isEqualTo(401);
        String forged = OTHER_KEY.valid("svc", null);
        assertThat(http.get(QUERY.formatted(3), bearer(forged)).statusCode()).isEqualTo(401);
        assertThat(http.get(QUERY.formatted(3), bearer(JWTS.valid("svc", List.of("not-a-tenant")))).statusCode())
            .isEqualTo(401);
    }

    @Test
    void aJwtWithoutTheTenantsClaimMayAddressNothing() {
        String unbound = JWTS.valid("shared-idp-client", null);
        double before = refused("missing_tenants_claim");

        for (HttpResponse<String> r : List.of(http.get(QUERY.formatted(4), bearer(unbound)),
                http.get(QUERY.formatted(0), bearer(unbound)), http.post(DELETE.formatted(4), bearer(unbound)),
                http.post("/internal/search", bearer(unbound)), http.post("/api/v1/write", bearer(unbound)))) {
            assertThat(r.statusCode()).as(r.uri().getPath()).isEqualTo(403);
            assertThat(r.body()).as(r.uri().getPath()).isEqualTo("403 token 'shared-idp-client' has no "
                    + "basalt_tenants claim: a JWT must list the tenants it may address, or \"*\" for all of them "
                    + "and the cross-tenant APIs\n");
        }
        assertThat(refused("missing_tenants_claim")).isEqualTo(before + 5);
    }

    @Test
    void aJwtListingTheWildcardReachesEveryTenantAndTheInternalApi() {
        String admin = JWTS.valid("ops", List.of("*"));

        assertThat(http.get(QUERY.formatted(4), bearer(admin)).statusCode()).isEqualTo(200);
        assertThat(http.post(DELETE.formatted(9), bearer(admin)).statusCode()).isEqualTo(200);
        assertThat(http.post("/internal/search", bearer(admin)).statusCode()).isEqualTo(200);
    }

    @Test
    void aJwtForAnotherAudienceOrWithoutOneIsRefused() {
        assertThat(http.get(QUERY.formatted(3), bearer(JWTS.forAudience("basalt", "svc", List.of("3"))))
            .statusCode()).isEqualTo(200);
        HttpResponse<String> other = http.get(QUERY.formatted(3),
                bearer(JWTS.forAudience("billing-app", "svc", List.of("3"))));
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(other.body()).isEqualTo("401 invalid credentials\n");
        assertThat(http.get(QUERY.formatted(3), bearer(JWTS.forAudience(null, "svc", List.of("3")))).statusCode())
            .isEqualTo(401);
    }

    @Test
    void refusalsAreCountedByReason() {
        double before401 = refused("unauthenticated");
        double beforeBad = refused("bad_credentials");
        double before403 = refused("forbidden_tenant");

        http.get(QUERY.formatted(1), null);
        http.get(QUERY.formatted(1), basic("grafana", "nope"));
        http.get(QUERY.formatted(1), basic("grafana", "nope"));
        http.get(QUERY.formatted(9), GRAFANA);

        assertThat(refused("unauthenticated")).isEqualTo(before401 + 1);
        assertThat(refused("bad_credentials")).isEqualTo(beforeBad + 2);
        assertThat(refused("forbidden_tenant")).isEqualTo(before403 + 1);
    }

    private double refused(String reason) {
        return meters.get("basalt_auth_refused").tag("reason", reason).counter().count();
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("basalt-auth-test");
            dir.toFile().deleteOnExit();
            return dir;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
