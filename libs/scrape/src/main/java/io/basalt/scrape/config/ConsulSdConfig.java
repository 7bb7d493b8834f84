package io.basalt.scrape.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code consul_sd_configs}: the healthy and unhealthy instances of services in Consul's catalog.
 *
 * @param datacenter {@code null} for the datacenter of the Consul agent asked
 * @param services   empty for every service
 * @param tags       a service must carry all of them
 * @param nodeMeta   a node must carry all of these metadata pairs
 */
public record ConsulSdConfig(String server, String scheme, String pathPrefix, String datacenter, String namespace,
        String partition, Secret token, List<String> services, List<String> tags, Map<String, String> nodeMeta,
        String tagSeparator, boolean allowStale, Duration refreshInterval, HttpClientSettings http)
        implements DiscoveryConfig {

    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    public ConsulSdConfig {
        services = List.copyOf(services);
        tags = List.copyOf(tags);
        nodeMeta = Map.copyOf(nodeMeta);
    }
}
