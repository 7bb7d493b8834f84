package io.basalt.agent.remotewrite;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Sends remote-write bodies with WebClient. A URL whose host is a service id known to discovery ({@code insert}) goes
 * through Spring Cloud LoadBalancer, which picks a healthy replica per request; any other URL is used as is. A
 * retried request therefore usually lands on another replica.
 */
public final class WebClientTransport implements RemoteWriteTransport {

    private final WebClient direct;

    private final WebClient balanced;

    private final DiscoveryClient discovery;

    public WebClientTransport(WebClient.Builder builder, LoadBalancedExchangeFilterFunction loadBalancer,
            DiscoveryClient discovery) {
        this.direct = builder.clone().build();
        this.balanced = loadBalancer == null ? null : builder.clone().filter(loadBalancer).build();
        this.discovery = discovery;
    }

    /** Whether requests to {@code url} are load-balanced over discovered instances. */
    public boolean isBalanced(URI url) {
        return balanced != null && discovery != null && discovery.getServices().contains(url.getHost());
    }

    @Override
    public int send(URI url, byte[] body, Map<String, String> headers, Duration timeout) {
        WebClient client = isBalanced(url) ? balanced : direct;
        try {
            Integer status = client.post().uri(url)
                    .headers(h -> headers.forEach(h::set))
                    .bodyValue(body)
                    .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                    .timeout(timeout)
                    .block();
            return status == null ? 503 : status;
        }
        catch (WebClientRequestException e) {
            throw e;
        }
    }
}
