package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./basalt up --secure}: the launcher's topology with TLS on every hop and authentication on. A sample pushed to
 * an agent with its bearer token travels agent → insert → storage over TLS and comes back through select over https
 * with the generated admin password; without credentials select answers 401, and a user bound to tenant 0 gets 403
 * for another tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureLauncherIT {

    private static final String QUERY = "https://127.0.0.1:8481/select/%s/prometheus/api/v1/query?query=";

    /**
     * Start-up flags rather than the shipped steady-state ones: this test is about TLS and authentication on every
     * hop, LauncherIT runs the shipped flags, and eleven JVMs compiling with C2 at once cost about half a minute.
     */
    private final Launcher launcher = new Launcher("secure-launcher-data",
            "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:+ExitOnOutOfMemoryError");

    private final Path secrets = launcher.data().resolve("secrets");

    private boolean started;

    private HttpClient https;

    @BeforeAll
    void up() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed: the secure launcher cannot make its certificates");
        for (int port : Launcher.PORTS) {
            assumeFalse(Launcher.listening(port), "port " + port + " is in use (is a ./basalt cluster running?); "
                    + "skipping the secure launcher test");
        }
        started = true;
        Launcher.Result r = launcher.run(Duration.ofMinutes(6), "up", "--secure");
        assertThat(r.exitCode()).as("./basalt up --secure output:%n%s", r.output()).isZero();
        https = HttpClient.newBuilder().sslContext(trusting(secrets.resolve("ca.crt")))
            .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    void down() throws Exception {
        if (started) {
            launcher.run(Duration.ofMinutes(1), "down");
        }
    }

    @Test
    @Order(1)
    void statusShowsHealthOverHttpsAndWhereTheCredentialsAreWithoutPrintingThem() throws Exception {
        Launcher.Result r = launcher.run(Duration.ofSeconds(60), "status");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("storage-2", "select-2", "agent-sa-east-1", "mock-exporter")
            .contains("https://127.0.0.1:8481/select/0/prometheus", secrets.resolve("ca.crt").toString(),
                    secrets.resolve("agent_token").toString())
            .doesNotContain("stopped", "unhealthy", "prometheus-writer")
            .doesNotContain(read("admin_password"), read("agent_token"));
    }

    @Test
    @Order(2)
    void aSamplePushedToAnAgentIsQueryableThroughSelectOverHttpsWithTheGeneratedPassword() throws Exception {
        String run = UUID.randomUUID().toString();
        HttpResponse<String> push = https.send(HttpRequest
            .newBuilder(URI.create("https://127.0.0.1:8429/api/v1/import/prometheus"))
            .header("Authorization", "Bearer " + read("agent_token"))
            .POST(HttpRequest.BodyPublishers.ofString("secure_launcher_probe{run=\"" + run + "\"} 42\n"))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(push.statusCode()).as(push.body()).isBetween(200, 299);

        String query = "secure_launcher_probe{run=\"" + run + "\"}";
        String body = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!body.contains("\"42\"") && System.nanoTime() < deadline) {
            HttpResponse<String> r = query("0", query, basic("admin", read("admin_password")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            body = r.body();
            Thread.sleep(1000);
        }
        // the agent's external labels show the sample went through the agent, not around it
        assertThat(body).contains("\"42\"", "\"region\":\"us-east-1\"");
    }

    @Test
    @Order(3)
    void selectRefusesMissingOrWrongCredentialsAndBindsGrafanaToTenantZero() throws Exception {
        HttpResponse<String> anonymous = query("0", "up", null);
        HttpResponse<String> wrongPassword = query("0", "up", basic("admin", "not-the-password"));
        HttpResponse<String> grafanaOwnTenant = query("0", "up", basic("grafana", read("grafana_password")));
        HttpResponse<String> grafanaOtherTenant = query("1", "up", basic("grafana", read("grafana_password")));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(anonymous.body()).doesNotContain("Exception", "\tat ");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(grafanaOwnTenant.statusCode()).isEqualTo(200);
        assertThat(grafanaOtherTenant.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void readinessStaysOpenForProbes() throws Exception {
        HttpResponse<String> r = https.send(HttpRequest
            .newBuilder(URI.create("https://127.0.0.1:8482/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void downLeavesNoProcessBehindAndForgetsTheSecureMode() throws Exception {
        List<Long> pids = launcher.pids();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(Launcher.PORTS.size());

        Launcher.Result r = launcher.run(Duration.ofMinutes(1), "down");

        assertThat(r.exitCode()).as(r.output()).isZero();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        for (int port : Launcher.PORTS) {
            assertThat(Launcher.listening(port)).as("port " + port).isFalse();
        }
        assertThat(launcher.data().resolve("run/secure")).doesNotExist();
    }

    private HttpResponse<String> query(String tenant, String promql, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create(QUERY.formatted(tenant) + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String read(String secret) throws Exception {
        return Files.readString(secrets.resolve(secret)).trim();
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("basalt-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
