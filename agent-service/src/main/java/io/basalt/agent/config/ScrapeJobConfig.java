package io.basalt.agent.config;

import io.basalt.relabel.RelabelConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code scrape_configs}, with the global defaults already applied.
 *
 * @param sampleLimit the most samples one scrape may keep after metric relabeling; 0 means no limit
 */
public record ScrapeJobConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, String metricsPath,
        String scheme, Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps,
        long sampleLimit, HttpClientSettings http, List<TargetGroup> staticConfigs,
        List<FileSdConfig> fileSdConfigs, List<RelabelConfig> relabelConfigs,
        List<RelabelConfig> metricRelabelConfigs) {
}
