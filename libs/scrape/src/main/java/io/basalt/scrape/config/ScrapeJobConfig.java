package io.basalt.scrape.config;

import io.basalt.relabel.RelabelConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code scrape_configs}, with the global defaults already applied.
 *
 * @param limits           sample, target, label and body size limits; {@link ScrapeLimits#NONE} for none
 * @param discoveryConfigs every {@code *_sd_configs} entry, file_sd first, then http_sd, dns_sd and consul_sd
 */
public record ScrapeJobConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, String metricsPath,
        String scheme, Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps,
        ScrapeLimits limits, HttpClientSettings http, List<TargetGroup> staticConfigs,
        List<DiscoveryConfig> discoveryConfigs, List<RelabelConfig> relabelConfigs,
        List<RelabelConfig> metricRelabelConfigs) {
}
