package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How kubernetes_sd_configs reaches the API server: in the cluster with the service account, with {@code api_server}
 * and the HTTP client fields, or through a kubeconfig's current context; always over verified TLS where HTTPS.
 */
class KubernetesAuthTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestCertificates certs;

    private SSLContext serverTls;

    private FakeKubernetesApi api;

    private final List<KubernetesSd> running = new ArrayList<>();

    @BeforeEach
    void httpsApiServer() throws Exception {
        certs = TestCertificates.create(dir);
        serverTls = certs.serverContext(certs.issue("apiserver"));
        api = httpsApi(true);
    }

    private FakeKubernetesApi httpsApi(boolean requireClientCertificate) throws Exception {
        return new FakeKubernetesApi(serverTls, requireClientCertificate)
                .list("/api/v1/nodes", "nodes.json")
                .list("/api/v1/namespaces/shop/pods", "pods-shop.json");
    }

    @AfterEach
    void stop() {
        running.forEach(KubernetesSd::close);
        api.close();
    }

    private KubernetesSd start(String entry, Map<String, String> environment, Path serviceAccount) {
        KubernetesSdConfig config = (KubernetesSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: k8s
                    kubernetes_sd_configs: [%s]
                """.formatted(entry), dir).scrapeConfigs().get(0).discoveryConfigs().get(0);
        KubernetesSd sd = new KubernetesSd("test", config, ok -> { }, environment, serviceAccount,
                KubernetesSdTest.TEST_TIMING);
        running.add(sd);
        sd.refresh(0);
        return sd;
    }

    private static String base64(Path file) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

    @Test
    void inTheClusterTheServiceAccountTokenAndCaAreUsedAndARotatedTokenIsReadAgain() throws Exception {
        api.close();
        api = httpsApi(false);
        // Watches end at once without events, so they are opened again and again (after a bounded back-off), each
        // showing which token is sent then.
        for (int i = 0; i < 100; i++) {
            api.watch("/api/v1/namespaces/shop/pods", FakeKubernetesApi.End.CLOSE);
        }
        Path sa = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.copy(certs.caFile(), sa.resolve("ca.crt"));
        Files.writeString(sa.resolve("token"), "sa-token-1\n");
        Files.writeString(sa.resolve("namespace"), "shop");

        KubernetesSd sd = start("{role: pod, namespaces: {own_namespace: true}}", Map.of("KUBERNETES_SERVICE_HOST",
                "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(api.port())), sa);

        assertThat(sd.groups()).as("targets found: " + sd.lastError()).isNotEmpty();
        assertThat(api.requests("/api/v1/namespaces/shop/pods", false)).singleElement()
                .extracting(FakeKubernetesApi.Request::authorization).isEqualTo("Bearer sa-token-1");
        Files.writeString(sa.resolve("token"), "sa-token-2\n");
        Await.until(BOUND, "a request with the rotated token", () -> api.requests().stream()
                .anyMatch(r -> "Bearer sa-token-2".equals(r.authorization())));
    }

    @Test
    void outsideAClusterWithoutApiServerTheErrorSaysWhatIsMissing() {
        KubernetesSd sd = start("{role: pod}", Map.of(), dir);

        assertThat(sd.groups()).isEmpty();
        assertThat(sd.lastError()).contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
    }

    @Test
    void apiServerWithBasicAuthAndACaFile() throws Exception {
        api.close();
        api = httpsApi(false);
        KubernetesSd sd = start("{role: node, api_server: '" + api.baseUrl() + "', basic_auth: {username: agent, "
                + "password: s3cret}, tls_config: {ca_file: '" + certs.caFile() + "'}}", Map.of(), dir);

        assertThat(sd.groups()).as("targets found: " + sd.lastError()).hasSize(1);
        assertThat(api.requests("/api/v1/nodes", false)).singleElement().extracting(
                FakeKubernetesApi.Request::authorization).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                        "agent:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() throws Exception {
        api.close();
        api = httpsApi(false);
        TestCertificates other = TestCertificates.create(Files.createDirectories(dir.resolve("other")));
        KubernetesSd sd = start("{role: node, api_server: '" + api.baseUrl() + "', tls_config: {ca_file: '"
                + other.caFile() + "'}}", Map.of(), dir);

        assertThat(sd.groups()).isEmpty();
        assertThat(sd.lastError()).contains("SSLHandshakeException");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void kubeconfigCurrentContextGivesServerCaAndClientCertificate() throws Exception {
        TestCertificates.Issued client = certs.issue("basalt-agent");
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                current-context: prod
                contexts:
                - name: staging
                  context: {cluster: elsewhere, user: nobody}
                - name: prod
                  context: {cluster: prod-cluster, user: agent, namespace: shop}
                clusters:
                - name: elsewhere
                  cluster: {server: 'https://192.0.2.1:6443'}
                - name: prod-cluster
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: nobody
                  user: {token: wrong}
                - name: agent
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                """.formatted(api.baseUrl(), base64(certs.caFile()), base64(client.certFile()),
                base64(client.keyFile())));

        KubernetesSd sd = start("{role: node, kubeconfig_file: kubeconfig}", Map.of(), dir);

        assertThat(sd.groups()).as("targets found: " + sd.lastError()).hasSize(1);
        assertThat(api.requests("/api/v1/nodes", false)).singleElement().satisfies(r -> {
            assertThat(r.clientSubject()).isEqualTo("CN=basalt-agent");
            assertThat(r.authorization()).isNull();
        });
    }

    @Test
    void kubeconfigFilesResolveAgainstItsDirectoryAndItsTokenFileIsSent() throws Exception {
        api.close();
        api = httpsApi(false);
        Path kube = Files.createDirectories(dir.resolve("kube"));
        Files.copy(certs.caFile(), kube.resolve("ca.pem"));
        Files.writeString(kube.resolve("token"), "kube-token\n");
        Files.writeString(kube.resolve("config"), """
                current-context: only
                contexts: [{name: only, context: {cluster: c, user: u}}]
                clusters: [{name: c, cluster: {server: '%s', certificate-authority: ca.pem}}]
                users: [{name: u, user: {tokenFile: token}}]
                """.formatted(api.baseUrl()));

        KubernetesSd sd = start("{role: node, kubeconfig_file: kube/config}", Map.of(), dir);

        assertThat(sd.groups()).as("targets found: " + sd.lastError()).hasSize(1);
        assertThat(api.requests("/api/v1/nodes", false)).singleElement()
                .extracting(FakeKubernetesApi.Request::authorization).isEqualTo("Bearer kube-token");
    }

    @Test
    void kubeconfigProblemsAreNamed() throws Exception {
        Files.writeString(dir.resolve("plugin"), """
                current-context: c
                contexts: [{name: c, context: {cluster: c, user: u}}]
                clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
                users: [{name: u, user: {exec: {command: aws, args: [eks, get-token]}}}]
                """);
        Files.writeString(dir.resolve("nocontext"), "clusters: []\n");

        assertThat(start("{role: node, kubeconfig_file: plugin}", Map.of(), dir).lastError())
                .contains("uses exec, which is not supported");
        assertThat(start("{role: node, kubeconfig_file: nocontext}", Map.of(), dir).lastError())
                .contains("no current-context");
        assertThat(start("{role: node, kubeconfig_file: missing}", Map.of(), dir).lastError())
                .contains("cannot read").contains("missing");
    }
}
