package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.ScrapeJobConfig;
import org.junit.jupiter.api.Test;

class TargetLabelsTest {

    private static ScrapeJobConfig job(String yaml) {
        return AgentConfigLoader.parse("t.yml", "scrape_configs:\n" + yaml, null).scrapeConfigs().get(0);
    }

    private static TargetLabels.Result populate(ScrapeJobConfig job, Labels group, String address) {
        return TargetLabels.populate(job, Relabeler.of(job.relabelConfigs()), group, address);
    }

    @Test
    void setsJobInstanceAndTheScrapeUrlFromDefaults() {
        TargetLabels.Result r = populate(job("  - job_name: node\n"), Labels.of("env", "prod"), "h:9100");

        assertThat(r.target().publicLabels()).isEqualTo(Labels.of("job", "node", "instance", "h:9100", "env", "prod"));
        assertThat(r.target().url()).hasToString("http://h:9100/metrics");
        assertThat(r.discovered().get("__scrape_interval__")).isEqualTo("1m");
        assertThat(r.discovered().get("__scheme__")).isEqualTo("http");
    }

    @Test
    void relabelingCanRewriteAddressSchemePathAndParams() {
        ScrapeJobConfig j = job("""
                  - job_name: probe
                    params: {module: [http_2xx]}
                    relabel_configs:
                      - {source_labels: [__address__], target_label: __param_target}
                      - {target_label: __address__, replacement: 'exporter:9115'}
                      - {target_label: __metrics_path__, replacement: /probe}
                      - {source_labels: [__param_target], target_label: instance}
                      - {target_label: __tmp_hidden, replacement: x}
                """);

        TargetLabels.Result r = populate(j, Labels.EMPTY, "example.org");

        assertThat(r.target().url()).hasToString("http://exporter:9115/probe?module=http_2xx&target=example.org");
        assertThat(r.target().publicLabels()).isEqualTo(Labels.of("job", "probe", "instance", "example.org"));
    }

    @Test
    void aPortlessAddressGetsTheSchemesDefaultPort() {
        TargetLabels.Result r = populate(job("  - job_name: s\n    scheme: https\n"), Labels.EMPTY, "h");

        assertThat(r.target().labels().get("__address__")).isEqualTo("h:443");
        assertThat(r.target().url()).hasToString("https://h:443/metrics");
    }

    @Test
    void metaLabelsAreRemovedAfterRelabelingButUsableDuringIt() {
        ScrapeJobConfig j = job("""
                  - job_name: sd
                    relabel_configs:
                      - {source_labels: [__meta_zone], target_label: zone}
                """);

        TargetLabels.Result r = populate(j, Labels.of("__meta_zone", "a"), "h:1");

        assertThat(r.target().labels().has("__meta_zone")).isFalse();
        assertThat(r.target().publicLabels().get("zone")).isEqualTo("a");
    }

    @Test
    void droppedAndAddresslessTargetsAreReportedWithoutATarget() {
        ScrapeJobConfig drop = job("  - job_name: d\n    relabel_configs: [{action: drop, source_labels: [__address__], regex: 'h:.*'}]\n");
        ScrapeJobConfig noAddress = job("  - job_name: n\n    relabel_configs: [{action: labeldrop, regex: __address__}]\n");

        assertThat(populate(drop, Labels.EMPTY, "h:1").target()).isNull();
        assertThat(populate(drop, Labels.EMPTY, "h:1").error()).isNull();
        assertThat(populate(noAddress, Labels.EMPTY, "h:1").error()).isEqualTo("no address");
    }

    @Test
    void offsetsAreStableWithinTheIntervalAndDifferBetweenTargets() {
        ScrapeJobConfig j = job("  - job_name: node\n");
        ScrapeTarget a = populate(j, Labels.EMPTY, "a:1").target();
        ScrapeTarget b = populate(j, Labels.EMPTY, "b:1").target();
        long interval = 60_000;

        long phaseA = (1_000_000 + ScrapeManager.offsetMillis(a, interval, 1_000_000, 7)) % interval;
        long phaseA2 = (5_555_555 + ScrapeManager.offsetMillis(a, interval, 5_555_555, 7)) % interval;
        long phaseB = (1_000_000 + ScrapeManager.offsetMillis(b, interval, 1_000_000, 7)) % interval;

        assertThat(phaseA).isEqualTo(phaseA2);
        assertThat(phaseA).isNotEqualTo(phaseB);
        assertThat(ScrapeManager.offsetMillis(a, interval, 1_000_000, 7)).isBetween(0L, interval - 1);
    }
}
