package io.basalt.scrape.discovery;

import io.basalt.scrape.config.HttpSdConfig;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.scrape.config.TargetGroup;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code http_sd_configs}: GETs a JSON list of target groups, as Prometheus' HTTP SD does. The answer must be 200 with
 * {@code Content-Type: application/json}; every group gets {@code __meta_url}.
 */
public final class HttpSd implements Supplier<List<TargetGroup>> {

    private final HttpSdConfig config;

    private final DiscoveryHttpClient http;

    public HttpSd(HttpSdConfig config) {
        this.config = config;
        this.http = new DiscoveryHttpClient(config.http(), Discoveries.requestTimeout(config.refreshInterval()));
    }

    @Override
    public List<TargetGroup> get() {
        DiscoveryHttpClient.Answer answer = http.get(config.url(), Map.of("Accept", "application/json",
                "X-Prometheus-Refresh-Interval-Seconds",
                Long.toString(config.refreshInterval().toSeconds())));
        if (answer.status() != 200) {
            throw new DiscoveryException(config.url() + ": server returned HTTP status " + answer.status());
        }
        String type = answer.contentType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            throw new DiscoveryException(config.url() + ": unsupported content type \"" + answer.contentType()
                    + "\", expected application/json");
        }
        try {
            return TargetGroupDocument.parse(answer.body(), config.url().toString(), "__meta_url",
                    config.url().toString());
        }
        catch (InvalidAgentConfigException e) {
            throw new DiscoveryException(e.getMessage(), e);
        }
    }
}
