package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * TLS with nothing but standard Spring Boot properties on WebFlux/Netty: a PEM server bundle with hot reload,
 * mutual TLS ({@code server.ssl.client-auth=need}), and {@code basalt.security.client.ssl-bundle} on the node's own
 * WebClient, which here calls its own node as it would call the next tier.
 */
@SpringBootTest(classes = SecuredTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TlsTest {

    private static final TestCertificates CA = new TestCertificates();

    private static final TestCertificates.Issued CLIENT = CA.issue("client");

    private static Path dir;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry r) throws IOException {
        dir = Files.createTempDirectory("basalt-tls-test");
        CA.ca().writePem(dir, "ca");
        CA.issue("storage").writePem(dir, "server");
        CLIENT.writePem(dir, "client");
        String server = "spring.ssl.bundle.pem.basalt-server.";
        r.add("server.ssl.bundle", () -> "basalt-server");
        r.add("server.ssl.client-auth", () -> "need");
        r.add(server + "keystore.certificate", () -> "file:" + dir.resolve("server.crt"));
        r.add(server + "keystore.private-key", () -> "file:" + dir.resolve("server.key"));
        r.add(server + "truststore.certificate", () -> "file:" + dir.resolve("ca.crt"));
        r.add(server + "reload-on-update", () -> "true");
        r.add("spring.ssl.bundle.watch.file.quiet-period", () -> "200ms");
        String client = "spring.ssl.bundle.pem.basalt-client.";
        r.add(client + "keystore.certificate", () -> "file:" + dir.resolve("client.crt"));
        r.add(client + "keystore.private-key", () -> "file:" + dir.resolve("client.key"));
        r.add(client + "truststore.certificate", () -> "file:" + dir.resolve("ca.crt"));
        r.add("basalt.security.client.ssl-bundle", () -> "basalt-client");
    }

    @LocalServerPort
    int port;

    @Autowired
    WebClient.Builder webClients;

    @Test
    void theNodesOwnWebClientPresentsItsBundlesCertificateForMutualTls() {
        String body = webClients.build().get().uri("https://localhost:" + port + "/select/4/prometheus/api/v1/query")
            .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));

        assertThat(body).isEqualTo("query 4");
    }

    @Test
    void aClientWithoutACertificateIsRefusedUnderMutualTls() {
        HttpClient anonymous = HttpClient.newBuilder().sslContext(CA.clientContext(null))
            .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/status"))
            .timeout(Duration.ofSeconds(10)).build();

        assertThatThrownBy(() -> anonymous.send(request, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(IOException.class);
    }

    @Test
    void aReplacedCertificateIsServedOnTheNextHandshakeWithoutARestart() throws Exception {
        assertThat(servedSubject()).isEqualTo("CN=storage");

        TestCertificates.Issued rotated = CA.issue("storage-rotated");
        Path staging = Files.createTempDirectory(dir, "staging");
        rotated.writePem(staging, "server");
        Files.move(staging.resolve("server.key"), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(staging.resolve("server.crt"), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);

        String served = servedSubject();
        for (int i = 0; i < 100 && !served.equals("CN=storage-rotated"); i++) {
            Thread.sleep(200);
            served = servedSubject();
        }
        assertThat(served).isEqualTo("CN=storage-rotated");
    }

    private String servedSubject() throws IOException {
        try (SSLSocket socket = (SSLSocket) CA.clientContext(CLIENT).getSocketFactory()
            .createSocket("localhost", port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                .getName();
        }
    }
}
