package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusConfigsTest {

    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1");
    private static final String INSERT_URL = "http://insert/insert/0/prometheus/api/v1/write";

    private static Map<String, Object> agent(String region) {
        return Yaml.file("config/agents/" + region + ".yml");
    }

    private static List<String> targets(Map<String, Object> config, String job) {
        List<String> targets = new ArrayList<>();
        for (Object scrape : Yaml.list(config, "scrape_configs")) {
            if (job.equals(Yaml.asMap(scrape).get("job_name"))) {
                Yaml.list(scrape, "static_configs").forEach(group ->
                        Yaml.list(group, "targets").forEach(t -> targets.add(t.toString())));
            }
        }
        return targets;
    }

    @Test
    void promtoolAcceptsEveryPrometheusFormatConfig() {
        assumeTrue(Command.available("promtool"), "promtool is not installed: skipping its config check");
        List<String> argv = new ArrayList<>(List.of("promtool", "check", "config", "--syntax-only",
                "config/prometheus/writer.yml", "config/prometheus/receiver.yml"));
        REGIONS.forEach(r -> argv.add("config/agents/" + r + ".yml"));

        Command check = Command.run(Repository.root(), Map.of(), Duration.ofSeconds(60), argv);

        assertThat(check.succeeded()).as(check.output()).isTrue();
    }

    @Test
    void writerScrapesTheExporterEveryFiveSecondsAndRemoteWritesToTheReceiver() {
        Map<String, Object> writer = Yaml.file("config/prometheus/writer.yml");

        assertThat(Yaml.map(writer, "global")).containsEntry("scrape_interval", "5s");
        assertThat(Yaml.map(Yaml.map(writer, "global"), "external_labels")).isEqualTo(
                Map.of("cluster", "dev-cluster", "region", "local", "environment", "staging"));
        assertThat(targets(writer, "mock-exporter")).containsExactly("mock-exporter:2112");
        assertThat(Yaml.list(writer, "remote_write")).singleElement().satisfies(rw -> assertThat(Yaml.asMap(rw))
                .containsEntry("url", "http://prometheus-receiver:9091/api/v1/write")
                .containsEntry("remote_timeout", "30s"));
        assertThat(Yaml.map(Yaml.map(Yaml.file("config/prometheus/receiver.yml"), "global"), "external_labels"))
                .containsEntry("cluster", "dev-cluster");
    }

    @Test
    void theBasaltTierIsScrapedIntoBothFlows() {
        Set<String> basaltNodes = new HashSet<>();
        ComposeFileTest.SERVICES.forEach((name, port) -> {
            if (name.startsWith("vm") && !name.equals(ComposeFileTest.OPTIONAL_STORAGE)) {
                basaltNodes.add(name + ":" + port);
            }
        });

        assertThat(targets(Yaml.file("config/prometheus/writer.yml"), "basalt"))
                .containsExactlyInAnyOrderElementsOf(basaltNodes);
        assertThat(targets(agent("us-east-1"), "basalt")).containsExactlyInAnyOrderElementsOf(basaltNodes);
        for (Object scrape : Yaml.list(agent("us-east-1"), "scrape_configs")) {
            if ("basalt".equals(Yaml.asMap(scrape).get("job_name"))) {
                assertThat(Yaml.asMap(scrape).get("metrics_path")).isEqualTo("/actuator/prometheus");
            }
        }
    }

    @Test
    void eachRegionalAgentLabelsItsRegionAndWritesToTheInsertTier() {
        Set<String> clusters = new HashSet<>();
        for (String region : REGIONS) {
            Map<String, Object> config = agent(region);
            Map<String, Object> labels = Yaml.map(Yaml.map(config, "global"), "external_labels");

            assertThat(Yaml.map(config, "global")).containsEntry("scrape_interval", "5s");
            assertThat(labels).containsEntry("region", region);
            assertThat(labels.get("cluster").toString()).startsWith("prod-");
            clusters.add(labels.get("cluster").toString());
            assertThat(targets(config, "mock-exporter")).containsExactly("mock-exporter:2112");
            assertThat(Yaml.list(config, "remote_write")).singleElement()
                    .satisfies(rw -> assertThat(Yaml.asMap(rw).get("url")).isEqualTo(INSERT_URL));
        }
        assertThat(clusters).hasSize(REGIONS.size());
    }

    @Test
    void eachAgentRelabelsDifferently() {
        Set<Object> scrapeRules = new HashSet<>();
        Set<Object> writeRules = new HashSet<>();
        for (String region : REGIONS) {
            Map<String, Object> config = agent(region);
            Object mockJob = Yaml.list(config, "scrape_configs").stream()
                    .filter(s -> "mock-exporter".equals(Yaml.asMap(s).get("job_name"))).findFirst().orElseThrow();
            List<Object> relabel = Yaml.list(mockJob, "relabel_configs");
            List<Object> writeRelabel = Yaml.list(Yaml.list(config, "remote_write").get(0), "write_relabel_configs");

            assertThat(relabel).as(region).isNotEmpty();
            assertThat(writeRelabel).as(region).isNotEmpty();
            assertThat(scrapeRules.add(relabel)).as("%s repeats another region's relabel_configs", region).isTrue();
            assertThat(writeRules.add(writeRelabel)).as("%s repeats another region's write relabeling", region)
                    .isTrue();
        }
    }
}
