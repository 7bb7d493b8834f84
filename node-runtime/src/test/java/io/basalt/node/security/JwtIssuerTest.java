package io.basalt.node.security;

import static io.basalt.node.security.NodeHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code basalt.security.auth.jwt.issuer-uri} alone: the signing keys come from the issuer's published metadata and
 * JWK set (served here by a loopback identity provider), fetched on the first token; the {@code iss} claim must
 * match.
 */
@SpringBootTest(classes = SecuredTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwtIssuerTest {

    private static final TestJwts KEYS = new TestJwts();

    private static final HttpServer IDP = identityProvider();

    private static final String ISSUER = "http://127.0.0.1:" + IDP.getAddress().getPort() + "/realm";

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) {
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.jwt.issuer-uri", () -> ISSUER);
        r.add("basalt.security.auth.jwt.audience", () -> TestJwts.AUDIENCE);
    }

    @AfterAll
    static void stop() {
        IDP.stop(0);
    }

    @LocalServerPort
    int port;

    @Test
    void tokensOfTheIssuerPassAndOthersAreRefused() {
        NodeHttp http = new NodeHttp(port);
        Instant now = Instant.now();
        String good = KEYS.sign(ISSUER, "grafana", List.of("1"), now, Duration.ofMinutes(5));
        String otherIssuer = KEYS.sign("http://elsewhere/realm", "grafana", List.of("1"), now, Duration.ofMinutes(5));
        String noIssuer = KEYS.sign(null, "grafana", List.of("1"), now, Duration.ofMinutes(5));

        assertThat(http.get("/select/1/prometheus/api/v1/query", bearer(good)).statusCode()).isEqualTo(200);
        assertThat(http.get("/select/2/prometheus/api/v1/query", bearer(good)).statusCode()).isEqualTo(403);
        assertThat(http.get("/select/1/prometheus/api/v1/query", bearer(otherIssuer)).statusCode()).isEqualTo(401);
        assertThat(http.get("/select/1/prometheus/api/v1/query", bearer(noIssuer)).statusCode()).isEqualTo(401);
        // Only the bearer scheme is offered when only JWTs are accepted.
        assertThat(http.get("/select/1/prometheus/api/v1/query", null).headers().allValues("WWW-Authenticate"))
            .containsExactly("Bearer realm=\"basalt\"");
    }

    private static HttpServer identityProvider() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
            server.createContext("/realm/.well-known/openid-configuration", ex -> json(ex,
                    "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/jwks\",\"subject_types_supported\":"
                            + "[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
            server.createContext("/realm/jwks", ex -> json(ex, KEYS.jwkSet()));
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void json(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
