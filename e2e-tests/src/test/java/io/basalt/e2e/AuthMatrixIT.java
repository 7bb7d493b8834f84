package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * storage, insert and select with authentication on and TLS on every hop: insert reaches storage with HTTP basic,
 * select with a bearer token, both presenting a client certificate because storage requires mutual TLS. For every
 * public endpoint of insert and select the three outcomes: no credentials 401, a credential of another tenant 403,
 * the right one 2xx; data written through the secured chain comes back through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixIT {

    private static final long T = System.currentTimeMillis() / 1000 * 1000 - 60_000;

    private final List<ServiceProcess> processes = new ArrayList<>();

    private OpensslPki pki;

    private HttpClient https;

    private HttpClient mutualTls;

    private ServiceProcess storage;

    private ServiceProcess insert;

    private ServiceProcess select;

    @BeforeAll
    void startSecuredCluster(@TempDir Path dir) throws Exception {
        assumeTrue(OpensslPki.available(), "openssl is not installed: install it (apt-get install -y openssl) to run "
                + "the TLS auth matrix");
        pki = OpensslPki.create(dir, "node");
        https = HttpClient.newBuilder().sslContext(pki.clientContext(null)).connectTimeout(Duration.ofSeconds(5))
            .build();
        mutualTls = HttpClient.newBuilder().sslContext(pki.clientContext("node"))
            .connectTimeout(Duration.ofSeconds(5)).build();
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("insert_password"), "insert-pw\n");
        Files.writeString(secrets.resolve("insert_password_hash"), bcrypt.encode("insert-pw") + "\n");
        Files.writeString(secrets.resolve("select_token"), "select-token-42\n");

        List<String> storageArgs = new ArrayList<>(tls());
        storageArgs.addAll(List.of("--basalt.storage.data-path=" + dir.resolve("storage"),
                "--server.ssl.client-auth=need",
                "--spring.ssl.bundle.pem.basalt-server.truststore.certificate=" + pki.location("ca.crt"),
                "--basalt.security.auth.users[0].username=insert",
                "--basalt.security.auth.users[0].password-hash-file=" + secrets.resolve("insert_password_hash"),
                "--basalt.security.auth.tokens[0].name=select",
                "--basalt.security.auth.tokens[0].token-file=" + secrets.resolve("select_token")));
        storage = track(ServiceProcess.start("auth-storage", "storage-service", storageArgs));
        String storageUrl = "--spring.cloud.discovery.client.simple.instances.storage[0].uri=https://localhost:"
                + storage.port();

        List<String> insertArgs = new ArrayList<>(publicTier(bcrypt));
        insertArgs.addAll(List.of(storageUrl, "--basalt.security.client.username=insert",
                "--basalt.security.client.password-file=" + secrets.resolve("insert_password")));
        insert = track(ServiceProcess.start("auth-insert", "insert-service", insertArgs));

        List<String> selectArgs = new ArrayList<>(publicTier(bcrypt));
        selectArgs.addAll(List.of(storageUrl,
                "--basalt.security.client.bearer-token-file=" + secrets.resolve("select_token")));
        select = track(ServiceProcess.start("auth-select", "select-service", selectArgs));

        for (ServiceProcess p : processes) {
            awaitReady(p);
        }
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void everyPublicEndpointRefusesNoCredentialsAndOtherTenantsAndServesTheRightOne() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        String remoteWrite = "/insert/1/prometheus/api/v1/write";
        List<Call> calls = List.of(
                new Call(insert, "POST", remoteWrite, remoteWrite("matrix_rw"), RemoteWriteEncoder.CONTENT_TYPE),
                new Call(insert, "POST", "/insert/1/prometheus/api/v1/import/prometheus",
                        ("matrix_text 1 " + T + "\n").getBytes(StandardCharsets.UTF_8), "text/plain"),
                new Call(insert, "POST", "/insert/1/prometheus/api/v1/import",
                        ("{\"metric\":{\"__name__\":\"matrix_json\"},\"values\":[1],\"timestamps\":[" + T + "]}\n")
                            .getBytes(StandardCharsets.UTF_8), "application/json"),
                get(select, "/select/1/prometheus/api/v1/query?query=" + enc("matrix_text") + "&time=" + T / 1000),
                get(select, "/select/1/prometheus/api/v1/query_range?query=" + enc("matrix_text") + "&start="
                        + (T / 1000 - 60) + "&end=" + T / 1000 + "&step=15"),
                get(select, "/select/1/prometheus/api/v1/series?match[]=" + enc("{__name__=~\"matrix_.*\"}")),
                get(select, "/select/1/prometheus/api/v1/labels"),
                get(select, "/select/1/prometheus/api/v1/label/__name__/values"),
                get(select, "/select/1/prometheus/api/v1/export?match[]=" + enc("{__name__=~\"matrix_.*\"}")),
                get(select, "/select/1/ui/"));
        for (Call call : calls) {
            soft.assertThat(send(call, null).statusCode()).as("no credentials: %s", call).isEqualTo(401);
            soft.assertThat(send(call, basic("other", "other-pw")).statusCode()).as("tenant 2 user: %s", call)
                .isEqualTo(403);
            HttpResponse<String> ok = send(call, basic("tenant1", "tenant1-pw"));
            soft.assertThat(ok.statusCode()).as("tenant 1 user: %s -> %s", call, ok.body()).isBetween(200, 299);
        }
        for (ServiceProcess tier : List.of(insert, select)) {
            Call metrics = get(tier, "/actuator/prometheus");
            soft.assertThat(send(metrics, null).statusCode()).as("no credentials: %s", metrics).isEqualTo(401);
            soft.assertThat(send(metrics, basic("tenant1", "tenant1-pw")).statusCode())
                .as("tenant-bound user on the node's own metrics (tenant 0:0): %s", metrics).isEqualTo(403);
            HttpResponse<String> ok = send(metrics, basic("admin", "admin-pw"));
            soft.assertThat(ok.statusCode()).as("admin: %s", metrics).isEqualTo(200);
            soft.assertThat(ok.body()).contains("basalt_auth_refused_total{reason=\"forbidden_tenant\"");
            soft.assertThat(send(get(tier, "/actuator/health/readiness"), null).statusCode()).isEqualTo(200);
        }
        soft.assertAll();
    }

    @Test
    void samplesWrittenThroughTheSecuredChainComeBackThroughIt() throws Exception {
        String text = "chain_roundtrip{via=\"tls\"} 7 " + T + "\n";
        assertThat(send(new Call(insert, "POST", "/insert/1:0/prometheus/api/v1/import/prometheus",
                text.getBytes(StandardCharsets.UTF_8), "text/plain"), basic("tenant1", "tenant1-pw")).statusCode())
            .isEqualTo(204);

        HttpResponse<String> answer = send(get(select, "/select/1/prometheus/api/v1/query?query="
                + enc("chain_roundtrip") + "&time=" + T / 1000), basic("tenant1", "tenant1-pw"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"via\":\"tls\"").contains("\"7\"");
    }

    @Test
    void storageWantsAClientCertificateAndThenCredentials() throws Exception {
        Call search = new Call(storage, "POST", "/internal/force_flush", new byte[0], "text/plain");
        assertThatThrownBy(() -> send(https, search, null)).as("no client certificate").isInstanceOf(IOException.class);

        assertThat(send(mutualTls, search, null).statusCode()).isEqualTo(401);
        assertThat(send(mutualTls, search, basic("insert", "insert-pw")).statusCode()).isEqualTo(204);
        assertThat(send(mutualTls, search, "Bearer select-token-42").statusCode()).isEqualTo(204);
        assertThat(send(mutualTls, search, "Bearer select-token-4").statusCode()).isEqualTo(401);
    }

    /** The arguments insert and select share: TLS, users bound to tenant 1, tenant 2, or none. */
    private List<String> publicTier(BCryptPasswordEncoder bcrypt) {
        List<String> args = new ArrayList<>(tls());
        String[][] users = { { "tenant1", "tenant1-pw", "1:0" }, { "other", "other-pw", "2" },
                { "admin", "admin-pw", null } };
        for (int i = 0; i < users.length; i++) {
            String user = "--basalt.security.auth.users[" + i + "].";
            args.add(user + "username=" + users[i][0]);
            args.add(user + "password-hash=" + bcrypt.encode(users[i][1]));
            if (users[i][2] != null) {
                args.add(user + "tenants[0]=" + users[i][2]);
            }
        }
        return args;
    }

    /** TLS with the node certificate as server and client identity, trusting the test CA, and auth on. */
    private List<String> tls() {
        return List.of("--basalt.security.auth.enabled=true", "--server.ssl.bundle=basalt-server",
                "--spring.ssl.bundle.pem.basalt-server.keystore.certificate=" + pki.location("node.crt"),
                "--spring.ssl.bundle.pem.basalt-server.keystore.private-key=" + pki.location("node.key"),
                "--spring.ssl.bundle.pem.basalt-client.keystore.certificate=" + pki.location("node.crt"),
                "--spring.ssl.bundle.pem.basalt-client.keystore.private-key=" + pki.location("node.key"),
                "--spring.ssl.bundle.pem.basalt-client.truststore.certificate=" + pki.location("ca.crt"),
                "--basalt.security.client.ssl-bundle=basalt-client");
    }

    private record Call(ServiceProcess node, String method, String path, byte[] body, String contentType) {

        @Override
        public String toString() {
            return method + " " + node.name() + " " + path.replaceAll("\\?.*", "");
        }
    }

    private static Call get(ServiceProcess node, String path) {
        return new Call(node, "GET", path, null, null);
    }

    private HttpResponse<String> send(Call call, String authorization) throws IOException, InterruptedException {
        return send(https, call, authorization);
    }

    private static HttpResponse<String> send(HttpClient client, Call call, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + call.node.port()
                + call.path)).timeout(Duration.ofSeconds(20));
        if (call.body != null) {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(call.body)).header("Content-Type", call.contentType);
            if (call.contentType.equals(RemoteWriteEncoder.CONTENT_TYPE)) {
                b.header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING);
            }
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(ServiceProcess p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Call readiness = get(p, "/actuator/health/readiness");
        while (System.nanoTime() < deadline) {
            try {
                // Storage wants a client certificate; the other tiers ignore it.
                if (send(mutualTls, readiness, null).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(p.name() + " was not ready over https within 120 s; see its log in "
                + "target/e2e-logs");
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }

    private static byte[] remoteWrite(String name) {
        return RemoteWriteEncoder.encode(List.of(TimeSeries.single(Labels.of("__name__", name), T, 1)));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
