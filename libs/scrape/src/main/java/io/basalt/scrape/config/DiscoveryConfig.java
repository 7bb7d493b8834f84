package io.basalt.scrape.config;

import java.time.Duration;

/** One service-discovery entry of a scrape job ({@code *_sd_configs}), refreshed every {@link #refreshInterval}. */
public sealed interface DiscoveryConfig permits FileSdConfig, HttpSdConfig, DnsSdConfig, ConsulSdConfig,
        KubernetesSdConfig {

    Duration refreshInterval();
}
