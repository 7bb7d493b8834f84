package io.basalt.scrape.config;

import java.net.URI;
import java.time.Duration;

/** {@code http_sd_configs}: a JSON list of target groups fetched from {@code url}. */
public record HttpSdConfig(URI url, Duration refreshInterval, HttpClientSettings http) implements DiscoveryConfig {

    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(60);
}
