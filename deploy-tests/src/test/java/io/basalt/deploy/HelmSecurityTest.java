package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's security values: TLS from a cert-manager style Secret, authentication from a Secret of files. */
class HelmSecurityTest {

    private static final Path CHART = Repository.path("k8s/helm/basalt");

    private static final Map<String, Object> SECURE = Map.of("security.tls.enabled", true,
            "security.tls.existingSecret", "prod-tls", "security.auth.enabled", true,
            "security.auth.existingSecret", "prod-auth");

    private static final List<String> TIERS = List.of("prod-storage", "prod-insert", "prod-repair", "prod-select",
            "prod-agent");

    private static List<HasMetadata> render(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName("prod").withNamespace("metrics");
        values.forEach(template::set);
        return KubernetesObjects.parse(template.call());
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> values = new HashMap<>(base);
        values.put(key, value);
        return values;
    }

    private static Map<String, String> configOf(List<HasMetadata> objects, String name) {
        return KubernetesObjects.named(objects, ConfigMap.class, name).orElseThrow().getData();
    }

    private static Map<String, Object> securityFile(List<HasMetadata> objects, String tier) {
        String file = configOf(objects, tier).get("security.yml");
        assertThat(file).as("security.yml of " + tier).isNotNull();
        return Yaml.load(file);
    }

    /** Reads a dotted path such as {@code basalt.security.client.username} from a YAML tree. */
    private static Object at(Map<String, Object> tree, String dotted) {
        Object node = tree;
        for (String key : dotted.split("\\.")) {
            node = node == null ? null : Yaml.asMap(node).get(key);
        }
        return node;
    }

    private static Map<String, PodSpec> pods(List<HasMetadata> objects) {
        Map<String, PodSpec> pods = new HashMap<>();
        KubernetesObjects.ofKind(objects, Deployment.class)
                .forEach(d -> pods.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        KubernetesObjects.ofKind(objects, StatefulSet.class)
                .forEach(s -> pods.put(s.getMetadata().getName(), s.getSpec().getTemplate().getSpec()));
        return pods;
    }

    private static Stream<HTTPGetAction> probes(Container c) {
        return Stream.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe()).map(p -> p.getHttpGet());
    }

    @Test
    void secureValuesRenderTypedObjectsWithoutUnknownFields() {
        List<HasMetadata> objects = render(SECURE);

        assertThat(objects).isNotEmpty();
        objects.forEach(o -> assertThat(KubernetesObjects.unknownFields(o)).isEmpty());
    }

    @Test
    void everyTierServesItsSslBundleAndCallsTheOthersOverHttps() {
        List<HasMetadata> objects = render(SECURE);

        for (String tier : TIERS) {
            assertThat(configOf(objects, tier))
                    .containsEntry("SPRING_CONFIG_ADDITIONALLOCATION", "file:/etc/basalt/security.yml");
            Map<String, Object> file = securityFile(objects, tier);
            assertThat(at(file, "server.ssl.bundle")).as(tier).isEqualTo("basalt-server");
            Map<String, Object> server = Yaml.map(at(file, "spring.ssl.bundle.pem"), "basalt-server");
            assertThat(at(server, "keystore.certificate")).isEqualTo("file:/etc/basalt/tls/tls.crt");
            assertThat(at(server, "keystore.private-key")).isEqualTo("file:/etc/basalt/tls/tls.key");
            assertThat(at(server, "reload-on-update")).isEqualTo(true);
            assertThat(at(file, "spring.ssl.bundle.pem.basalt-client.truststore.certificate"))
                    .isEqualTo("file:/etc/basalt/tls/ca.crt");
            assertThat(at(file, "basalt.security.auth.enabled")).isEqualTo(true);
            // every WebClient trusts the CA, the agents' load-balancer health checks included
            assertThat(at(file, "basalt.security.client.ssl-bundle")).as(tier).isEqualTo("basalt-client");
        }
        assertThat(configOf(objects, "prod-storage-nodes").get("insert.txt"))
                .contains("\nhttps://prod-storage-1.prod-storage-headless:8482\n").doesNotContain("http:");
        assertThat(configOf(objects, "prod-agent"))
                .containsEntry("SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_INSERT_0_URI", "https://prod-insert:8480");
    }

    @Test
    void everyPodMountsTheSecretsAsFilesAndProbesTheOpenEndpointsOverHttps() {
        Map<String, PodSpec> pods = pods(render(SECURE));

        assertThat(pods.keySet()).containsExactlyInAnyOrderElementsOf(TIERS);
        pods.forEach((name, pod) -> {
            Container container = pod.getContainers().get(0);
            assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).as(name)
                    .contains("/etc/basalt/tls", "/etc/basalt/secrets", "/etc/basalt/security.yml");
            assertThat(pod.getVolumes()).as(name).filteredOn(v -> v.getSecret() != null)
                    .extracting(v -> v.getSecret().getSecretName()).containsExactlyInAnyOrder("prod-tls", "prod-auth");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).map(Volume::getSecret)
                    .allSatisfy(s -> assertThat(s.getDefaultMode()).isEqualTo(0440));
            assertThat(probes(container)).as(name).allSatisfy(probe -> {
                assertThat(probe.getScheme()).isEqualTo("HTTPS");
                assertThat(probe.getPath()).isIn("/actuator/health/liveness", "/actuator/health/readiness");
            });
        });
    }

    @Test
    void insertAndSelectLogInToStorageAsThemselvesAndOnlyStorageAsksForClientCertificates() {
        List<HasMetadata> objects = render(with(SECURE, "security.tls.clientAuth", "need"));

        for (String tier : List.of("insert", "select")) {
            Map<String, Object> file = securityFile(objects, "prod-" + tier);
            assertThat(Yaml.asMap(at(file, "basalt.security.client"))).containsEntry("username", tier)
                    .containsEntry("password-file", "/etc/basalt/secrets/" + tier + "_password")
                    .containsEntry("ssl-bundle", "basalt-client");
            assertThat(at(file, "server.ssl.client-auth")).isNull();
        }
        assertThat(at(securityFile(objects, "prod-storage"), "server.ssl.client-auth")).isEqualTo("need");
        assertThat(Yaml.asMap(at(securityFile(objects, "prod-storage"), "basalt.security.client")))
                .doesNotContainKeys("username", "password-file");
    }

    @Test
    void usersComeFromValuesWithTheirTenantsAndTheTiersAreAlwaysThere() {
        Map<String, Object> file = securityFile(render(SECURE), "prod-select");

        List<Object> users = Yaml.list(at(file, "basalt.security.auth"), "users");
        assertThat(users).extracting(u -> Yaml.asMap(u).get("username"))
                .containsExactly("admin", "grafana", "insert", "select");
        assertThat(Yaml.asMap(users.get(1))).containsEntry("tenants", List.of("0:0"))
                .containsEntry("password-hash-file", "/etc/basalt/secrets/grafana_password_hash");
        assertThat(Yaml.asMap(users.get(0))).doesNotContainKey("tenants");
        assertThat(Yaml.list(at(file, "basalt.security.auth"), "tokens")).singleElement()
                .satisfies(t -> assertThat(Yaml.asMap(t)).containsEntry("name", "agent")
                        .containsEntry("token-file", "/etc/basalt/secrets/agent_token"));
    }

    @Test
    void noSecretValueAppearsInAnyRenderedConfigMap() {
        List<HasMetadata> objects = render(with(with(SECURE, "security.auth.jwt.issuerUri", "https://login.example.com"),
                "security.auth.jwt.audience", "basalt"));

        for (ConfigMap map : KubernetesObjects.ofKind(objects, ConfigMap.class)) {
            assertThat(SecretReferences.inlined(map.getData(), "/etc/basalt/")).as(map.getMetadata().getName())
                    .isEmpty();
            for (String file : List.of("security.yml", "agent.yml")) {
                if (map.getData().containsKey(file)) {
                    assertThat(SecretReferences.inlined(Yaml.load(map.getData().get(file)), "/etc/basalt/"))
                            .as(map.getMetadata().getName() + " " + file).isEmpty();
                }
            }
        }
    }

    @Test
    void agentSendsItsTokenAndTrustsTheCaOnRemoteWriteAndSelfScrapes() {
        Map<String, Object> agent = Yaml.load(configOf(render(SECURE), "prod-agent").get("agent.yml"));

        assertThat(Yaml.list(agent, "remote_write")).singleElement().satisfies(rw -> {
            assertThat(Yaml.asMap(rw)).containsEntry("url", "https://insert/insert/0/prometheus/api/v1/write")
                    .containsEntry("bearer_token_file", "/etc/basalt/secrets/agent_token");
            assertThat(Yaml.map(rw, "tls_config")).containsEntry("ca_file", "/etc/basalt/tls/ca.crt");
        });
        assertThat(Yaml.list(agent, "scrape_configs")).filteredOn(j -> "basalt".equals(Yaml.asMap(j).get("job_name")))
                .singleElement().satisfies(job -> {
                    assertThat(Yaml.asMap(job)).containsEntry("scheme", "https")
                            .containsEntry("bearer_token_file", "/etc/basalt/secrets/agent_token");
                    assertThat(Yaml.map(job, "tls_config")).containsEntry("ca_file", "/etc/basalt/tls/ca.crt")
                            .containsEntry("cert_file", "/etc/basalt/tls/tls.crt");
                });
    }

    @Test
    void jwtIssuerReachesEveryTier() {
        List<HasMetadata> objects = render(Map.of("security.auth.enabled", true,
                "security.auth.existingSecret", "prod-auth", "security.auth.jwt.issuerUri", "https://login.example.com",
                "security.auth.jwt.audience", "basalt"));

        for (String tier : TIERS) {
            Map<String, Object> file = securityFile(objects, tier);
            assertThat(Yaml.asMap(at(file, "basalt.security.auth.jwt"))).as(tier)
                    .containsEntry("issuer-uri", "https://login.example.com")
                    .containsEntry("tenants-claim", "basalt_tenants")
                    .containsEntry("audience", "basalt");
            // authentication alone leaves the transport as it was
            assertThat(at(file, "server")).isNull();
        }
        assertThat(probes(pods(objects).get("prod-select").getContainers().get(0)))
                .allSatisfy(p -> assertThat(p.getScheme()).isNull());
    }

    @Test
    void turningSecurityOnWithoutItsSecretIsRefused() {
        assertThatThrownBy(() -> render(Map.of("security.tls.enabled", true)))
                .hasMessageContaining("security.tls.existingSecret");
        assertThatThrownBy(() -> render(Map.of("security.auth.enabled", true)))
                .hasMessageContaining("security.auth.existingSecret");
    }

    @Test
    void acceptingJwtsWithoutAnAudienceIsRefused() {
        assertThatThrownBy(() -> render(Map.of("security.auth.enabled", true, "security.auth.existingSecret",
                "prod-auth", "security.auth.jwt.jwkSetUri", "https://login.example.com/jwks")))
                .hasMessageContaining("security.auth.jwt.audience must be set");
    }

    @Test
    void securityIsOffByDefault() {
        List<HasMetadata> objects = render(Map.of());

        for (String tier : TIERS) {
            assertThat(configOf(objects, tier)).doesNotContainKeys("security.yml", "SPRING_CONFIG_ADDITIONALLOCATION");
        }
        pods(objects).forEach((name, pod) -> {
            assertThat(pod.getVolumes()).as(name).allSatisfy(v -> assertThat(v.getSecret()).isNull());
            assertThat(probes(pod.getContainers().get(0))).allSatisfy(p -> assertThat(p.getScheme()).isNull());
        });
    }
}
