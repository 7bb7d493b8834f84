package io.basalt.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.agent.remotewrite.RemoteWriteQueue;
import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.SampleLabeler;
import io.basalt.scrape.ScrapeTarget;
import io.basalt.scrape.TargetLabels;
import io.basalt.scrape.config.AgentConfig;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.ScrapeJobConfig;
import io.basalt.scrape.config.TargetGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the shipped region configs ({@code config/agents/<region>.yml}) do to a sample scrape, as it leaves the
 * agent: target relabeling, the page's labels, external labels, then {@code write_relabel_configs}. Each row is one
 * exposed series of one target and the labels remote write sends, or none when a rule drops it. Dashboards and
 * alerts rely on these labels, so a changed rule in a region file shows up here.
 */
class ShippedRegionLabelsTest {

    private static final Path DIR = Path.of("..", "config", "agents");

    /**
     * Labels shared by many rows, written {@code $US_MOCK} and so on in the {@code sent} column: a region's external
     * labels, which Prometheus adds only where the series has no label of that name, and the mock-exporter target's.
     */
    private static final Map<String, String> COMMON = Map.of(
            "$US", "cluster=\"prod-use1\",environment=\"production\",provider=\"aws\",region=\"us-east-1\"",
            "$US_MOCK", "$US,datacenter=\"use1-az1\",job=\"mock-exporter\",instance=\"mock-exporter:2112\"",
            "$EU_MOCK", "cluster=\"prod-euw1\",environment=\"production\",provider=\"aws\",region=\"eu-west-1\","
                    + "datacenter=\"euw1-az2\",job=\"mock-exporter\",instance=\"mock-exporter-euw1\"",
            "$AP_MOCK", "cluster=\"prod-apse1\",environment=\"production\",provider=\"aws\","
                    + "region=\"ap-southeast-1\",datacenter=\"apse1-az1\",job=\"mock-exporter\","
                    + "instance=\"mock-exporter:2112\",team=\"payments\"",
            "$SA_MOCK", "cluster=\"prod-sae1\",environment=\"production\",provider=\"aws\",region=\"sa-east-1\","
                    + "datacenter=\"sae1-az1\",job=\"mock-exporter\",instance=\"mock-exporter\",tier=\"edge\"");

    // us-east-1: a datacenter label; debug families dropped on the way out; the basalt job's node label; a page's
    // own region label wins over the external one.
    // eu-west-1: a fixed instance name; JVM, process and Go families dropped, debug families kept.
    // ap-southeast-1: a team label from the target group; only counters, histograms and report series kept.
    // sa-east-1: a tier label; request, trace and session ids dropped; the port cut from instance.
    @ParameterizedTest(name = "{0} {1} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            us-east-1      | mock-exporter | mock-exporter:2112 | http_requests_total{status="200",trace_id="t1"} | http_requests_total{status="200",trace_id="t1",$US_MOCK}
            us-east-1      | mock-exporter | mock-exporter:2112 | mock_debug_request_rate{path="/"}                | dropped
            us-east-1      | mock-exporter | mock-exporter:2112 | up                                               | up{$US_MOCK}
            us-east-1      | basalt        | vminsert-1:8480    | jvm_threads_live_threads                         | jvm_threads_live_threads{$US,job="basalt",instance="vminsert-1:8480",node="vminsert-1",tier="insert"}
            us-east-1      | mock-exporter | mock-exporter:2112 | build_info{region="lab"}                         | build_info{cluster="prod-use1",environment="production",provider="aws",region="lab",datacenter="use1-az1",job="mock-exporter",instance="mock-exporter:2112"}
            eu-west-1      | mock-exporter | mock-exporter:2112 | http_requests_total{status="200"}                | http_requests_total{status="200",$EU_MOCK}
            eu-west-1      | mock-exporter | mock-exporter:2112 | process_cpu_seconds_total                        | dropped
            eu-west-1      | mock-exporter | mock-exporter:2112 | jvm_memory_used_bytes{area="heap"}               | dropped
            eu-west-1      | mock-exporter | mock-exporter:2112 | mock_debug_request_rate{path="/"}                | mock_debug_request_rate{path="/",$EU_MOCK}
            ap-southeast-1 | mock-exporter | mock-exporter:2112 | http_request_duration_seconds_bucket{le="0.1"}   | http_request_duration_seconds_bucket{le="0.1",$AP_MOCK}
            ap-southeast-1 | mock-exporter | mock-exporter:2112 | http_requests_in_flight                          | dropped
            ap-southeast-1 | mock-exporter | mock-exporter:2112 | mock_pod_info{pod="api-0"}                       | dropped
            ap-southeast-1 | mock-exporter | mock-exporter:2112 | scrape_duration_seconds                          | scrape_duration_seconds{$AP_MOCK}
            sa-east-1      | mock-exporter | mock-exporter:2112 | http_requests_total{request_id="r",session_id="s",status="500",trace_id="t"} | http_requests_total{status="500",$SA_MOCK}
            sa-east-1      | mock-exporter | mock-exporter:2112 | up                                               | up{$SA_MOCK}
            """)
    void aSampleLeavesTheAgentWithTheRegionsLabels(String region, String jobName, String address, String exposed,
            String sent) throws Exception {
        Path file = DIR.resolve(region + ".yml");
        assumeTrue(Files.isRegularFile(file), "no shipped config " + file);
        AgentConfig config = AgentConfigLoader.load(file);
        ScrapeJobConfig job = config.scrapeConfigs().stream().filter(j -> j.jobName().equals(jobName)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no job " + jobName));
        TargetGroup group = job.staticConfigs().stream().filter(g -> g.targets().contains(address)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " job " + jobName + " has no target " + address));
        ScrapeTarget target = TargetLabels.populate(job, Relabeler.of(job.relabelConfigs()), group.labels(), address)
                .target();
        SampleLabeler labeler = new SampleLabeler(target.publicLabels(), job.honorLabels(),
                Relabeler.of(job.metricRelabelConfigs()));
        Labels page = parse(exposed);
        Labels scraped = page.metricName().equals("up") || page.metricName().startsWith("scrape_")
                ? labeler.reportLabels(page.metricName()) : labeler.label(page);

        assertThat(config.remoteWrite()).hasSize(1);
        Labels out = scraped == null ? null : Relabeler.of(config.remoteWrite().get(0).writeRelabelConfigs())
                .process(RemoteWriteQueue.withExternalLabels(scraped, config.global().externalLabels()));

        assertThat(out).isEqualTo(sent.equals("dropped") ? null : parse(expand(sent)));
    }

    private static String expand(String sent) {
        String out = sent;
        // $US_MOCK before $US, and again for $US inside $US_MOCK.
        for (String key : List.of("$US_MOCK", "$EU_MOCK", "$AP_MOCK", "$SA_MOCK", "$US")) {
            out = out.replace(key, COMMON.get(key));
        }
        return out;
    }

    /** {@code name{a="b",...}}, without escapes: enough for the table's literals. */
    private static Labels parse(String series) {
        int brace = series.indexOf('{');
        Labels.Builder b = Labels.builder().add("__name__", brace < 0 ? series : series.substring(0, brace));
        if (brace >= 0) {
            String body = series.substring(brace + 1, series.length() - 1);
            for (String pair : body.split(",")) {
                int eq = pair.indexOf('=');
                b.add(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
            }
        }
        return b.build();
    }
}
