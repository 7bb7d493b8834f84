package io.basalt.agent.config;

import java.util.List;

/** A loaded Prometheus-format scrape config: what to scrape and where to send it. */
public record AgentConfig(GlobalConfig global, List<ScrapeJobConfig> scrapeConfigs,
        List<RemoteWriteConfig> remoteWrite) {

    public AgentConfig {
        scrapeConfigs = List.copyOf(scrapeConfigs);
        remoteWrite = List.copyOf(remoteWrite);
    }
}
