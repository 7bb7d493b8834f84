package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With {@code basalt.security.auth.enabled} unset, Spring Security on the classpath changes nothing. */
@SpringBootTest(classes = SecuredTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecurityOffTest {

    @LocalServerPort
    int port;

    @Test
    void postsWithoutCsrfTokenOrCredentialsSucceedWithNoSessionOrSecurityHeaders() {
        HttpResponse<String> write = new NodeHttp(port).post("/insert/5/prometheus/api/v1/write", null);

        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.body()).isEqualTo("write 5");
        assertThat(write.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("set-cookie")
                || h.equalsIgnoreCase("www-authenticate") || h.equalsIgnoreCase("x-frame-options")
                || h.equalsIgnoreCase("cache-control"));
    }

    @Test
    void everyPathIsOpenIncludingTheInternalApi() {
        NodeHttp http = new NodeHttp(port);

        assertThat(http.post("/internal/search", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/select/1/prometheus/api/v1/query", null).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void noPasswordIsGenerated(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContainIgnoringCase("generated security password");
    }
}
