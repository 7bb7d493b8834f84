package io.basalt.scrape.config;

import java.util.List;

/**
 * A loaded Prometheus-format scrape config: what to scrape and where to send it.
 *
 * @param redactedYaml the file as loaded, with every secret shown as {@code <secret>}, for the config endpoint
 */
public record AgentConfig(GlobalConfig global, List<ScrapeJobConfig> scrapeConfigs,
        List<RemoteWriteConfig> remoteWrite, String redactedYaml) {

    public AgentConfig {
        scrapeConfigs = List.copyOf(scrapeConfigs);
        remoteWrite = List.copyOf(remoteWrite);
    }
}
