package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The secure Prometheus-format configs (agents, prometheus-writer) are their plain twins plus TLS and the agents'
 * token, so a job or relabel rule added to one and forgotten in the other fails here.
 */
class SecureAgentConfigsTest {

    private static final Set<String> SECURITY_KEYS = Set.of("scheme", "tls_config", "bearer_token_file");

    private static final Map<String, String> PAIRS = new LinkedHashMap<>();

    static {
        PrometheusConfigsTest.REGIONS.forEach(r -> PAIRS.put("config/agents/secure/" + r + ".yml",
                "config/agents/" + r + ".yml"));
        PAIRS.put("config/prometheus/writer-secure.yml", "config/prometheus/writer.yml");
    }

    /** The config with the security settings of every job and remote write taken out and http put back. */
    private static Map<String, Object> withoutSecurity(Map<String, Object> config) {
        Map<String, Object> copy = new LinkedHashMap<>(config);
        for (String section : List.of("scrape_configs", "remote_write")) {
            List<Object> entries = new ArrayList<>();
            for (Object entry : Yaml.list(config, section)) {
                Map<String, Object> e = new LinkedHashMap<>(Yaml.asMap(entry));
                e.keySet().removeAll(SECURITY_KEYS);
                if (e.get("url") instanceof String url) {
                    e.put("url", url.replaceFirst("^https://", "http://"));
                }
                entries.add(e);
            }
            copy.put(section, entries);
        }
        return copy;
    }

    @Test
    void secureConfigsEqualTheirPlainTwinsBesideTheSecuritySettings() {
        PAIRS.forEach((secure, plain) -> assertThat(withoutSecurity(Yaml.file(secure))).as(secure)
                .isEqualTo(withoutSecurity(Yaml.file(plain))));
    }

    @Test
    void everyScrapeAndTheRemoteWriteToBasaltUseTlsWithTheCaAndTheAgentsToken() {
        PAIRS.keySet().forEach(file -> {
            Map<String, Object> config = Yaml.file(file);
            for (Object job : Yaml.list(config, "scrape_configs")) {
                assertThat(Yaml.asMap(job)).as(file).containsEntry("scheme", "https")
                        .containsEntry("bearer_token_file", "/run/secrets/agent_token");
                assertThat(Yaml.map(job, "tls_config")).containsEntry("ca_file", "/run/secrets/ca.crt");
            }
            Yaml.list(config, "remote_write").stream().map(Yaml::asMap)
                    .filter(rw -> rw.get("url").toString().contains("/insert/")).forEach(rw -> {
                        assertThat(rw.get("url").toString()).startsWith("https://insert/");
                        assertThat(rw).containsEntry("bearer_token_file", "/run/secrets/agent_token");
                    });
        });
        assertThat(Yaml.list(Yaml.file("config/agents/secure/us-east-1.yml"), "remote_write")).hasSize(1);
    }

    @Test
    void promtoolAcceptsEverySecureConfig() {
        assumeTrue(Command.available("promtool"), "promtool is not installed: skipping its config check");
        List<String> argv = new ArrayList<>(List.of("promtool", "check", "config", "--syntax-only"));
        argv.addAll(PAIRS.keySet());

        Command check = Command.run(Repository.root(), Map.of(), Duration.ofSeconds(60), argv);

        assertThat(check.succeeded()).as(check.output()).isTrue();
    }
}
