package io.basalt.node.security;

import static io.basalt.node.security.NodeHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Configured passwords and tokens, even given literally and with security logging at DEBUG, appear neither in
 * {@code /api/v1/status}, nor in the log, nor through Actuator (whose env and configprops endpoints stay unexposed).
 */
@SpringBootTest(classes = SecuredTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "logging.level.org.springframework.security=DEBUG", "logging.level.io.basalt=DEBUG",
                "management.endpoints.web.exposure.include=health,info,metrics" })
@ExtendWith(OutputCaptureExtension.class)
class SecretsNotShownTest {

    private static final String PASSWORD = "Pw-9f3kq27xz";

    private static final String TOKEN = "Tok-5hv81nq0pd";

    private static final String CLIENT_PASSWORD = "ClientPw-m2b7c";

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry r) {
        r.add("basalt.security.auth.enabled", () -> "true");
        r.add("basalt.security.auth.users[0].username", () -> "admin");
        r.add("basalt.security.auth.users[0].password-hash",
                () -> new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode(PASSWORD));
        r.add("basalt.security.auth.tokens[0].name", () -> "agent");
        r.add("basalt.security.auth.tokens[0].token", () -> TOKEN);
        r.add("basalt.security.client.username", () -> "insert");
        r.add("basalt.security.client.password", () -> CLIENT_PASSWORD);
    }

    @LocalServerPort
    int port;

    @Test
    void statusActuatorAndLogNeverShowASecret(CapturedOutput output) {
        NodeHttp http = new NodeHttp(port);
        HttpResponse<String> status = http.get("/api/v1/status", basic("admin", PASSWORD));
        http.get("/api/v1/status", basic("admin", PASSWORD + "x"));
        http.get("/api/v1/status", NodeHttp.bearer(TOKEN));
        http.get("/api/v1/status", NodeHttp.bearer(TOKEN + "x"));

        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"role\":\"test\"")
            .contains("\"auth\":{\"enabled\":true,\"users\":[\"admin\"],\"tokens\":[\"agent\"],\"jwtKeys\":null,\"jwtAudience\":null}")
            .contains("\"credential\":\"basic as insert\"");
        for (String path : new String[] { "/actuator/env", "/actuator/configprops", "/actuator/env/basalt" }) {
            assertThat(http.get(path, basic("admin", PASSWORD)).statusCode()).as(path).isEqualTo(404);
        }
        for (String secret : new String[] { PASSWORD, TOKEN, CLIENT_PASSWORD }) {
            assertThat(status.body()).doesNotContain(secret);
            assertThat(output.getAll()).doesNotContain(secret);
        }
        assertThat(output.getAll()).contains("Authentication on: 1 basic user(s), 1 static token(s)");
    }
}
