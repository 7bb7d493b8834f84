package io.basalt.scrape.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code file_sd_configs}: files (the last path element may be a glob) re-read when they change. */
public record FileSdConfig(List<Path> files, Duration refreshInterval) implements DiscoveryConfig {

    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);
}
