package io.basalt.scrape.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code dns_sd_configs}: targets from DNS records of {@code names}.
 *
 * @param type SRV, A or AAAA
 * @param port the targets' port for A and AAAA records; SRV records carry their own
 */
public record DnsSdConfig(List<String> names, RecordType type, int port, Duration refreshInterval)
        implements DiscoveryConfig {

    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    public enum RecordType {
        SRV, A, AAAA
    }

    public DnsSdConfig {
        names = List.copyOf(names);
    }
}
