package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardsTest {

    /** What the cluster overview must show, by the metric that shows it. */
    private static final Set<String> OVERVIEW_METRICS = Set.of("basalt_insert_rows_total",
            "basalt_insert_rows_rejected_total", "basalt_insert_queue_size", "basalt_storage_disk_used_bytes",
            "basalt_storage_disk_free_bytes", "basalt_storage_active_series", "basalt_storage_parts",
            "basalt_storage_merges_total", "basalt_select_queries_total",
            "basalt_select_query_duration_seconds_bucket", "basalt_select_partial_responses_total", "up");

    private static Set<String> catalogue() {
        String docs = Repository.read("docs/operations.md");
        int start = docs.indexOf("## Metric catalogue");
        assertThat(start).as("docs/operations.md has a '## Metric catalogue' section").isNotNegative();
        int end = docs.indexOf("\n## ", start + 1);
        String section = docs.substring(start, end < 0 ? docs.length() : end);
        Set<String> names = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`").matcher(section);
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }

    @Test
    void dashboardsAreDistinctAndEveryPanelQueriesTheSelectedDataSource() {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode dashboard = Dashboards.read(file);
            assertThat(uids.add(dashboard.path("uid").asText())).as("unique uid in %s", file).isTrue();
            assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource");
            for (JsonNode panel : dashboard.path("panels")) {
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                            .isEqualTo("${datasource}");
                    assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                }
            }
        }
        assertThat(uids).containsExactlyInAnyOrder("basalt-cluster-overview", "basalt-multi-region");
    }

    @Test
    void overviewShowsEveryClusterConcern() {
        Set<String> used = Dashboards.expressions().stream().filter(e -> e.dashboard().contains("overview"))
                .flatMap(e -> PromqlMetricNames.of(e.expr()).stream()).collect(Collectors.toSet());

        assertThat(used).containsAll(OVERVIEW_METRICS);
    }

    @Test
    void multiRegionDashboardSplitsMockExporterDataByRegion() {
        List<Dashboards.Expression> regional = Dashboards.expressions().stream()
                .filter(e -> e.dashboard().contains("region")).toList();

        assertThat(regional).isNotEmpty().allSatisfy(e -> assertThat(e.expr())
                .contains("job=\"mock-exporter\"").contains("region=~\"$region\"").contains("region"));
    }

    @Test
    void everyMetricTheDashboardsReadIsInTheOperationsCatalogueAndNoOtherIs() {
        Set<String> used = Dashboards.expressions().stream().flatMap(e -> PromqlMetricNames.of(e.expr()).stream())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(catalogue()).isEqualTo(used);
    }

    @Test
    void everyExpressionIsValidPromql(@TempDir Path dir) throws Exception {
        assumeTrue(Command.available("promtool"), "promtool is not installed: skipping the PromQL syntax check");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        int i = 0;
        for (Dashboards.Expression e : Dashboards.expressions()) {
            rules.append("      - record: dashboard:expr_").append(i++).append("\n        expr: '")
                    .append(e.resolved().replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(dir.resolve("rules.yml"), rules);

        Command check = Command.run(Duration.ofSeconds(60), "promtool", "check", "rules", file.toString());

        assertThat(check.succeeded()).as(check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS: " + i + " rules found");
    }

    @Test
    void eachGrafanaReadsItsOwnFlowAndLoadsTheDashboards() {
        Map<String, String> urls = Map.of("prometheus", "http://prometheus-receiver:9091",
                "basalt", "http://vmselect:8481/select/0/prometheus");
        urls.forEach((grafana, url) -> {
            String base = "config/grafana/" + grafana + "/provisioning/";
            List<Object> sources = Yaml.list(Yaml.file(base + "datasources/datasources.yml"), "datasources");
            assertThat(sources).singleElement().satisfies(source -> {
                assertThat(Yaml.asMap(source).get("type")).isEqualTo("prometheus");
                assertThat(Yaml.asMap(source).get("url")).isEqualTo(url);
            });
            List<Object> providers = Yaml.list(Yaml.file(base + "dashboards/dashboards.yml"), "providers");
            assertThat(providers).singleElement().satisfies(provider -> assertThat(
                    Yaml.map(provider, "options").get("path")).isEqualTo("/var/lib/grafana/dashboards"));
        });
    }

    @Test
    void metricNamesAreFoundInTheShapesTheDashboardsUse() {
        assertThat(PromqlMetricNames.of(
                "histogram_quantile(0.99, sum by (le) (rate(basalt_select_query_duration_seconds_bucket[5m])))"))
                .containsExactly("basalt_select_query_duration_seconds_bucket");
        assertThat(PromqlMetricNames.of("count by (region, __name__) ({job=\"mock-exporter\", region=~\"a|b\"})"))
                .isEmpty();
        assertThat(PromqlMetricNames.of("sum(up{job=\"basalt\"}) / 60 + max(scrape_duration_seconds offset 1m)"))
                .containsExactly("scrape_duration_seconds", "up");
    }
}
