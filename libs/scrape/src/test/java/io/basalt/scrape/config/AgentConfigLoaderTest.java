package io.basalt.scrape.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.relabel.RelabelAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigLoaderTest {

    private static final String FULL = """
            global:
              scrape_interval: 15s
              external_labels:
                region: eu
            scrape_configs:
              - job_name: node
                static_configs:
                  - targets: ['127.0.0.1:9100', 'localhost:9101']
                    labels: {env: prod}
                relabel_configs:
                  - source_labels: [__address__]
                    regex: '(.*):.*'
                    target_label: host
                metric_relabel_configs:
                  - {action: drop, source_labels: [__name__], regex: 'go_.*'}
              - job_name: api
                scrape_interval: 5s
                scrape_timeout: 2s
                metrics_path: /prom
                scheme: https
                params: {module: [a, b]}
                honor_labels: true
                honor_timestamps: false
                sample_limit: 100
                basic_auth: {username: u, password: p}
                tls_config: {insecure_skip_verify: true}
                file_sd_configs:
                  - files: ['targets/*.json']
                    refresh_interval: 30s
            remote_write:
              - url: http://insert/insert/0/prometheus/api/v1/write
                write_relabel_configs:
                  - {action: labeldrop, regex: tmp}
                queue_config:
                  max_samples_per_send: 1000
                  batch_send_deadline: 1s
            """;

    @Test
    void readsEveryDocumentedFieldAndAppliesDefaults() {
        AgentConfig c = AgentConfigLoader.parse("agent.yml", FULL, Path.of("/etc/basalt"));

        assertThat(c.global().scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.global().scrapeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.global().externalLabels()).isEqualTo(Labels.of("region", "eu"));

        ScrapeJobConfig node = c.scrapeConfigs().get(0);
        assertThat(node.scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(node.metricsPath()).isEqualTo("/metrics");
        assertThat(node.scheme()).isEqualTo("http");
        assertThat(node.honorTimestamps()).isTrue();
        assertThat(node.staticConfigs().get(0).targets()).containsExactly("127.0.0.1:9100", "localhost:9101");
        assertThat(node.staticConfigs().get(0).labels()).isEqualTo(Labels.of("env", "prod"));
        assertThat(node.relabelConfigs().get(0).regex()).isEqualTo("(.*):.*");
        assertThat(node.metricRelabelConfigs().get(0).action()).isEqualTo(RelabelAction.DROP);

        ScrapeJobConfig api = c.scrapeConfigs().get(1);
        assertThat(api.scrapeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(api.metricsPath()).isEqualTo("/prom");
        assertThat(api.params()).containsEntry("module", List.of("a", "b"));
        assertThat(api.honorLabels()).isTrue();
        assertThat(api.honorTimestamps()).isFalse();
        assertThat(api.limits().sampleLimit()).isEqualTo(100);
        assertThat(api.http().basicAuth().password().value()).isEqualTo("p");
        assertThat(api.http().tls().insecureSkipVerify()).isTrue();
        assertThat(api.discoveryConfigs()).singleElement().isEqualTo(new FileSdConfig(
                List.of(Path.of("/etc/basalt/targets/*.json")), Duration.ofSeconds(30)));

        RemoteWriteConfig rw = c.remoteWrite().get(0);
        assertThat(rw.url().getHost()).isEqualTo("insert");
        assertThat(rw.queue().maxSamplesPerSend()).isEqualTo(1000);
        assertThat(rw.queue().batchSendDeadline()).isEqualTo(Duration.ofSeconds(1));
        assertThat(rw.queue().capacity()).as("Prometheus' default").isEqualTo(10000);
        assertThat(rw.writeRelabelConfigs()).hasSize(1);
    }

    @Test
    void aShortGlobalIntervalCapsTheDefaultTimeout() {
        AgentConfig c = AgentConfigLoader.parse("a.yml", """
                global: {scrape_interval: 2s}
                scrape_configs: [{job_name: j}]
                """, null);

        assertThat(c.global().scrapeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.scrapeConfigs().get(0).scrapeTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            global:\\n  scrape_intervall: 15s                                         | a.yml:2: field scrape_intervall not found in global
            scrape_configs:\\n  - job_name: x\\n    colour: red                        | a.yml:3: field colour not found in scrape_configs[0]
            scrape_configs:\\n  - job_name: x\\n    scrape_interval: 5x                | a.yml:3: not a valid duration string: "5x"
            scrape_configs:\\n  - job_name: x\\n  - job_name: x                        | a.yml:3: found multiple scrape configs with job name "x"
            scrape_configs:\\n  - job_name: x\\n    scrape_interval: 5s\\n    scrape_timeout: 6s | a.yml:4: scrape timeout greater than scrape interval
            scrape_configs:\\n  - job_name: x\\n    relabel_configs:\\n      - action: keep\\n        regex: '('  | a.yml:5: invalid regex "("
            scrape_configs:\\n  - job_name: x\\n    relabel_configs:\\n      - action: hashmod\\n        target_label: t | a.yml:4: relabel configuration for hashmod requires non-zero modulus
            scrape_configs:\\n  - job_name: x\\n    static_configs:\\n      - targets: [a]\\n        lables: {}  | a.yml:5: field lables not found in scrape_configs[0].static_configs[0]
            remote_write:\\n  - url: ftp://x/                                             | a.yml:2: remote_write url must be http(s)
            remote_write:\\n  - url: http://x/\\n    queue_config: {max_shards: 0}       | a.yml:3: max_shards must be a positive integer
            scrape_configs:\\n  - job_name: x\\n    honor_labels: maybe                  | a.yml:3: cannot unmarshal "maybe" into a boolean
            global:\\n  external_labels: {1bad: x}                                      | a.yml:2: "1bad" is not a valid label name
            scrape_configs:\\n  - job_name: x\\n    basic_auth: {username: u}\\n    bearer_token: t | a.yml:4: at most one of basic_auth, oauth2, bearer_token & bearer_token_file
            global: {scrape_interval: 1m\\n                                               | a.yml:2:
            """)
    void refusesNamingTheLineAndField(String yaml, String message) {
        assertThatThrownBy(() -> AgentConfigLoader.parse("a.yml", yaml.replace("\\n", "\n"), null))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageStartingWith(message.substring(0, message.indexOf(':', 6) + 1))
                .hasMessageContaining(message);
    }

    @Test
    void formatsDurationsAsPrometheusDoes() {
        assertThat(PromDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(PromDuration.format(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(PromDuration.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(PromDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    }
}
