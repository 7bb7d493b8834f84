package io.basalt.agent.config;

import io.basalt.relabel.RelabelConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One {@code remote_write} entry. */
public record RemoteWriteConfig(URI url, String name, Duration remoteTimeout, Map<String, String> headers,
        List<RelabelConfig> writeRelabelConfigs, QueueConfig queue, HttpClientSettings http) {

    public static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * {@code queue_config}; defaults as Prometheus 2.42's.
     *
     * @param capacity          samples buffered per shard before the scrape side waits
     * @param maxSamplesPerSend the largest batch one request carries
     * @param batchSendDeadline how long a partial batch may wait before it is sent anyway
     */
    public record QueueConfig(int capacity, int maxShards, int minShards, int maxSamplesPerSend,
            Duration batchSendDeadline, Duration minBackoff, Duration maxBackoff, boolean retryOnHttp429) {

        public static final QueueConfig DEFAULT = new QueueConfig(2500, 200, 1, 500, Duration.ofSeconds(5),
                Duration.ofMillis(30), Duration.ofSeconds(5), true);
    }
}
