package io.basalt.scrape.config;

import io.basalt.model.Labels;
import java.time.Duration;

/** The {@code global} section: defaults for every job and the labels added to everything sent. */
public record GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, Labels externalLabels) {

    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMinutes(1);

    public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);
}
