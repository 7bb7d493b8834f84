package io.basalt.scrape.discovery;

import io.basalt.scrape.config.ConsulSdConfig;
import io.basalt.scrape.config.DiscoveryConfig;
import io.basalt.scrape.config.DnsSdConfig;
import io.basalt.scrape.config.FileSdConfig;
import io.basalt.scrape.config.HttpSdConfig;
import io.basalt.scrape.config.KubernetesSdConfig;
import java.time.Duration;

/** Builds the {@link TargetDiscovery} of each kind of {@code *_sd_configs} entry. */
public final class Discoveries {

    /** An SD request waits at most this long, and never past the entry's next refresh. */
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final DnsResolver dns;

    public Discoveries(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * @param name    names the entry in logs, e.g. {@code job "api" dns_sd_configs}
     * @param outcome told about each attempt of a network discovery
     */
    public TargetDiscovery create(String name, DiscoveryConfig config, PolledDiscovery.Outcome outcome) {
        if (config instanceof FileSdConfig f) {
            return new FileSdReader(f);
        }
        if (config instanceof HttpSdConfig h) {
            return new PolledDiscovery(name, new HttpSd(h), h.refreshInterval(), outcome);
        }
        if (config instanceof DnsSdConfig d) {
            return new PolledDiscovery(name, new DnsSd(d, dns), d.refreshInterval(), outcome);
        }
        if (config instanceof ConsulSdConfig c) {
            return new PolledDiscovery(name, new ConsulSd(c), c.refreshInterval(), outcome);
        }
        KubernetesSdConfig k = (KubernetesSdConfig) config;
        return new KubernetesSd(name, k, outcome);
    }

    /** The mechanism's name as in the config file, for metrics and logs. */
    public static String kind(DiscoveryConfig config) {
        if (config instanceof FileSdConfig) {
            return "file_sd";
        }
        if (config instanceof HttpSdConfig) {
            return "http_sd";
        }
        if (config instanceof DnsSdConfig) {
            return "dns_sd";
        }
        if (config instanceof ConsulSdConfig) {
            return "consul_sd";
        }
        return "kubernetes_sd";
    }

    static Duration requestTimeout(Duration refreshInterval) {
        return refreshInterval.compareTo(MAX_REQUEST_TIMEOUT) < 0 ? refreshInterval : MAX_REQUEST_TIMEOUT;
    }
}
