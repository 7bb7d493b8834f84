package io.basalt.scrape.config;

import io.basalt.relabel.RelabelConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One {@code remote_write} entry. */
public record RemoteWriteConfig(URI url, String name, Duration remoteTimeout, Map<String, String> headers,
        List<RelabelConfig> writeRelabelConfigs, QueueConfig queue, HttpClientSettings http) {

    public static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(30);

    /** The URL as logs, metrics and status pages show it: a password in it reads {@code xxxxx}, as Prometheus shows. */
    public String redactedUrl() {
        return redacted(url);
    }

    /** As the record would print itself, with {@link #redactedUrl()} for the URL. */
    @Override
    public String toString() {
        return "RemoteWriteConfig[url=" + redactedUrl() + ", name=" + name + ", remoteTimeout=" + remoteTimeout
                + ", headers=" + redacted(headers) + ", writeRelabelConfigs=" + writeRelabelConfigs + ", queue=" + queue
                + ", http=" + http + "]";
    }

    /** Header names only: their values are often API keys or tenant tokens. */
    static Map<String, String> redacted(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        headers.keySet().forEach(name -> out.put(name, "<secret>"));
        return out;
    }

    static String redacted(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || !info.contains(":")) {
            return url.toString();
        }
        String user = info.substring(0, info.indexOf(':'));
        return url.toString().replace(info + "@", user + ":xxxxx@");
    }

    /**
     * {@code queue_config}; defaults as Prometheus' since it raised them after 2.42 (which had 2,500 / 200 / 500):
     * each request costs about the same whatever it carries, and 500 samples a request made the agent spend a
     * quarter of its CPU on requests.
     *
     * @param capacity          samples buffered per shard before the scrape side waits
     * @param maxSamplesPerSend the largest batch one request carries
     * @param batchSendDeadline how long a partial batch may wait before it is sent anyway
     */
    public record QueueConfig(int capacity, int maxShards, int minShards, int maxSamplesPerSend,
            Duration batchSendDeadline, Duration minBackoff, Duration maxBackoff, boolean retryOnHttp429) {

        public static final QueueConfig DEFAULT = new QueueConfig(10000, 50, 1, 2000, Duration.ofSeconds(5),
                Duration.ofMillis(30), Duration.ofSeconds(5), true);
    }
}
