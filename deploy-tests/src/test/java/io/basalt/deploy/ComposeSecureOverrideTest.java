package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-compose.secure.yml over docker-compose.yml: TLS and authentication with Docker secrets. */
class ComposeSecureOverrideTest {

    private static final Map<String, Object> OVERRIDE = Yaml.file("docker-compose.secure.yml");

    /** Every Basalt service the override secures, with its port and the certificate it presents. */
    private static final Map<String, String> SECURED = Map.ofEntries(Map.entry("mock-exporter", "mock-exporter"),
            Map.entry("vmagent-us-east-1", "agent"), Map.entry("vmagent-eu-west-1", "agent"),
            Map.entry("vmagent-ap-southeast-1", "agent"), Map.entry("vmagent-sa-east-1", "agent"),
            Map.entry("vminsert-1", "insert"), Map.entry("vminsert-2", "insert"),
            Map.entry("vmstorage-1", "storage"), Map.entry("vmstorage-2", "storage"), Map.entry("vmstorage-3", "storage"),
            Map.entry("vmselect-1", "select"), Map.entry("vmselect-2", "select"));

    private static Map<String, Object> service(String name) {
        return Yaml.map(Yaml.map(OVERRIDE, "services"), name);
    }

    @Test
    void overrideUsesOnlyKeysThatComposeV1AndV2BothAccept() {
        assertThat(OVERRIDE.keySet()).doesNotContain("version", "name", "include")
                .allSatisfy(key -> assertThat(key).matches("services|secrets|x-.+"));
        assertThat(Yaml.map(OVERRIDE, "services").keySet()).isSubsetOf(ComposeFileTest.SERVICES.keySet());
    }

    @Test
    void everyBasaltServiceServesItsCertificateAndIsHealthCheckedOnItsPort() {
        SECURED.forEach((name, cert) -> {
            Map<String, Object> svc = service(name);
            Map<String, Object> env = Yaml.map(svc, "environment");
            assertThat(env).as(name).containsEntry("SPRING_CONFIG_ADDITIONALLOCATION", "file:/etc/basalt/secure.yml")
                    .containsEntry("SECRETS_DIR", "/run/secrets").containsEntry("TLS_NAME", cert);
            assertThat(Yaml.list(svc, "volumes")).as(name)
                    .contains("./config/security/secure.yml:/etc/basalt/secure.yml:ro");
            assertThat(Yaml.list(svc, "secrets")).as(name).contains("ca.crt", cert + ".crt", cert + ".key",
                    "admin_password_hash", "agent_token");
            // busybox wget's TLS client cannot talk to the JDK's TLS, so the check is that the port accepts
            // connections, which it does only once startup is done.
            List<Object> test = Yaml.list(Yaml.map(svc, "healthcheck"), "test");
            assertThat(test).as(name).containsExactly("CMD-SHELL", "nc 127.0.0.1 "
                    + ComposeFileTest.SERVICES.get(name) + " </dev/null");
        });
    }

    @Test
    void tiersCallEachOtherOverHttpsWithTheirOwnCredentialFiles() {
        for (String tier : List.of("insert", "select")) {
            Map<String, Object> env = Yaml.map(service("vm" + tier + "-1"), "environment");
            assertThat(env).containsEntry("BASALT_" + tier.toUpperCase() + "_STORAGENODESFILE",
                            "/etc/basalt/cluster/secure/storage-nodes-" + tier + ".txt")
                    .containsEntry("BASALT_SECURITY_CLIENT_USERNAME", tier)
                    .containsEntry("BASALT_SECURITY_CLIENT_PASSWORDFILE", "/run/secrets/" + tier + "_password");
            assertThat(Yaml.list(service("vm" + tier + "-2"), "secrets")).contains(tier + "_password");
        }
        assertThat(Yaml.map(service("vmagent-sa-east-1"), "environment"))
                .containsEntry("SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_INSERT_1_URI", "https://vminsert-2:8480");
        assertThat(Yaml.map(service("vmselect-2"), "environment").get("BASALT_SELECT_UI_AGENTS").toString())
                .startsWith("https://vmagent-us-east-1:8429").doesNotContain("http:");
        for (String tier : List.of("insert", "select")) {
            assertThat(Repository.path("config/cluster/secure/storage-nodes-" + tier + ".txt")).content()
                    .contains("https://vmstorage-1:8482\nhttps://vmstorage-2:8482\n").doesNotContain("http:");
        }
        for (String region : PrometheusConfigsTest.REGIONS) {
            assertThat(Yaml.list(service("vmagent-" + region), "volumes"))
                    .contains("./config/agents/secure/" + region + ".yml:/etc/basalt/agent.yml:ro");
        }
    }

    @Test
    void everySecretIsAFileOutsideTheRepositoryThatEveryUseDeclares() {
        Map<String, Object> secrets = Yaml.map(OVERRIDE, "secrets");

        secrets.forEach((name, secret) -> assertThat(Yaml.asMap(secret))
                .containsEntry("file", "${BASALT_SECRETS:-./data/secrets}/" + name));
        Yaml.map(OVERRIDE, "services").forEach((name, svc) -> assertThat(secrets.keySet()).as(name)
                .containsAll(Yaml.list(svc, "secrets").stream().map(Object::toString).toList()));
        assertThat(Repository.read(".gitignore").lines()).contains("/data/");
    }

    @Test
    void grafanaReadsTheSelectTierOverTlsAsItsOwnUserWithoutAPasswordInAnyFile() {
        Map<String, Object> grafana = service("grafana-vm");
        Map<String, Object> source = Yaml.asMap(Yaml.list(
                Yaml.file("config/grafana/basalt-secure/datasources/datasources.yml"), "datasources").get(0));

        assertThat(Yaml.list(grafana, "secrets")).containsExactlyInAnyOrder("ca.crt", "grafana_password");
        assertThat(Yaml.list(grafana, "entrypoint").toString()).contains("$$(cat /run/secrets/grafana_password)")
                .contains("exec /run.sh");
        assertThat(Yaml.list(grafana, "volumes"))
                .contains("./config/grafana/basalt-secure/datasources:/etc/grafana/provisioning/datasources:ro");
        assertThat(source).containsEntry("url", "https://vmselect:8481/select/0/prometheus")
                .containsEntry("basicAuth", true).containsEntry("basicAuthUser", "grafana");
        assertThat(Yaml.map(source, "jsonData")).containsEntry("tlsAuthWithCACert", true);
        assertThat(Yaml.map(source, "secureJsonData")).containsEntry("basicAuthPassword", "$BASALT_GRAFANA_PASSWORD")
                .containsEntry("tlsCACert", "$BASALT_CA_CERT");
    }

    @Test
    void noCommittedSecureConfigurationHoldsASecret() {
        assertThat(SecretReferences.inlined(OVERRIDE, "/run/secrets")).isEmpty();
        for (String file : List.of("config/security/secure.yml", "config/prometheus/writer-secure.yml",
                "config/grafana/basalt-secure/datasources/datasources.yml")) {
            assertThat(SecretReferences.inlined(Yaml.file(file), "/run/secrets", "${SECRETS_DIR:/run/secrets}"))
                    .as(file).isEmpty();
        }
        for (String region : PrometheusConfigsTest.REGIONS) {
            assertThat(SecretReferences.inlined(Yaml.file("config/agents/secure/" + region + ".yml"), "/run/secrets"))
                    .isEmpty();
        }
    }

    @Test
    void composeMergesTheOverrideWithAndWithoutTheGrafanaProfile() {
        assumeTrue(Command.available("docker-compose"), "docker-compose is not installed: skipping its own check");
        Command merged = Command.run(Duration.ofSeconds(60), "docker-compose", "-f", "docker-compose.yml", "-f",
                "docker-compose.secure.yml", "--profile", "grafana", "config");
        Command quiet = Command.run(Duration.ofSeconds(60), "docker-compose", "-f", "docker-compose.yml", "-f",
                "docker-compose.secure.yml", "config", "-q");

        assertThat(quiet.succeeded()).as(quiet.output()).isTrue();
        assertThat(merged.succeeded()).as(merged.output()).isTrue();
        Map<String, Object> services = Yaml.map(Yaml.load(merged.output()), "services");
        // the secure agent config replaces the plain one at the same path instead of being mounted beside it
        assertThat(Yaml.list(services.get("vmagent-us-east-1"), "volumes").stream().map(Object::toString)
                .filter(v -> v.contains(":/etc/basalt/agent.yml")).toList()).singleElement()
                .satisfies(v -> assertThat(v).contains("config/agents/secure/us-east-1.yml"));
        // the base's tuning survives the merge
        assertThat(Yaml.map(services.get("vminsert-2"), "environment"))
                .containsEntry("BASALT_INSERT_REPLICATIONFACTOR", "2").containsEntry("TLS_NAME", "insert");
        assertThat(Yaml.map(services.get("vmstorage-1"), "environment"))
                .containsEntry("BASALT_STORAGE_RETENTIONPERIOD", "1y");
    }
}
