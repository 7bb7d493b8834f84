package io.basalt.insert.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.basalt.insert.testing.InsertHttp;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * insert with {@code basalt.security.auth} on: writers are bound to tenants (the tenant-less {@code /api/v1/write} is
 * tenant 0), and the rows it forwards carry insert's own {@code basalt.security.client} credentials to storage, not
 * the writer's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InsertSecurityTest {

    private static final List<String> STORAGE_AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    private static final HttpServer STORAGE = storage();

    private static final String WRITER = basic("writer", "writer-pw");

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        r.add("spring.cloud.discovery.client.simple.instances.storage[0].uri",
                () -> "http://127.0.0.1:" + STORAGE.getAddress().getPort());
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.users[0].username", () -> "writer");
        r.add("basalt.security.auth.users[0].password-hash", () -> bcrypt.encode("writer-pw"));
        r.add("basalt.security.auth.users[0].tenants[0]", () -> "1");
        r.add("basalt.security.client.username", () -> "insert");
        r.add("basalt.security.client.password", () -> "to-storage");
    }

    @AfterAll
    static void stop() {
        STORAGE.stop(0);
    }

    @LocalServerPort
    int port;

    private InsertHttp http;

    @BeforeEach
    void setUp() {
        http = new InsertHttp(port);
        STORAGE_AUTHORIZATIONS.clear();
    }

    @Test
    void aWriterReachesItsTenantAndInsertForwardsWithItsOwnCredentials() {
        assertThat(write("/insert/1/prometheus/api/v1/write", WRITER).statusCode()).isEqualTo(204);

        assertThat(STORAGE_AUTHORIZATIONS).isNotEmpty().allMatch(basic("insert", "to-storage")::equals);
    }

    @Test
    void otherTenantsAndTheTenantLessPathAreForbiddenAndNothingReachesStorage() {
        assertThat(write("/insert/2/prometheus/api/v1/write", WRITER).statusCode()).isEqualTo(403);
        assertThat(write("/api/v1/write", WRITER).statusCode()).isEqualTo(403);
        assertThat(write("/insert/1/prometheus/api/v1/write", null).statusCode()).isEqualTo(401);
        assertThat(write("/insert/1/prometheus/api/v1/write", basic("writer", "nope")).statusCode()).isEqualTo(401);

        assertThat(STORAGE_AUTHORIZATIONS).isEmpty();
    }

    @Test
    void healthProbesStayOpen() {
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/status").statusCode()).isEqualTo(401);
    }

    private java.net.http.HttpResponse<String> write(String path, String authorization) {
        byte[] body = RemoteWriteEncoder.encode(List.of(TimeSeries.single(Labels.of("__name__", "secured"),
                System.currentTimeMillis(), 1)));
        List<String> headers = new java.util.ArrayList<>(List.of("Content-Type", RemoteWriteEncoder.CONTENT_TYPE,
                "Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING));
        if (authorization != null) {
            headers.addAll(List.of("Authorization", authorization));
        }
        return http.post(path, body, headers.toArray(String[]::new));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A storage node that accepts every insert and remembers the credentials it came with. */
    private static HttpServer storage() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/insert", ex -> {
                STORAGE_AUTHORIZATIONS.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(204, -1);
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
