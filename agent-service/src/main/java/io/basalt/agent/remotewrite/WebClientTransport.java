package io.basalt.agent.remotewrite;

import io.basalt.scrape.config.HttpClientSettings.TlsSettings;
import io.basalt.scrape.config.RemoteWriteConfig;
import io.basalt.scrape.http.ClientTls;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * Sends remote-write bodies with WebClient. A URL whose host is a service id known to discovery ({@code insert}) goes
 * through Spring Cloud LoadBalancer, which picks a healthy replica per request; any other URL is used as is. A
 * retried request therefore usually lands on another replica. Each remote_write entry gets its own connector with the
 * entry's {@code tls_config}; give it a builder without the node-wide client settings
 * ({@code basalt.security.client.*}), as the agent's Prometheus config alone says how it reaches insert.
 */
public final class WebClientTransport implements RemoteWriteTransport.Factory {

    private final WebClient.Builder builder;

    private final LoadBalancedExchangeFilterFunction loadBalancer;

    private final DiscoveryClient discovery;

    public WebClientTransport(WebClient.Builder builder, LoadBalancedExchangeFilterFunction loadBalancer,
            DiscoveryClient discovery) {
        this.builder = builder;
        this.loadBalancer = loadBalancer;
        this.discovery = discovery;
    }

    /** Whether requests to {@code url} are load-balanced over discovered instances. */
    public boolean isBalanced(URI url) {
        return loadBalancer != null && discovery != null && discovery.getServices().contains(url.getHost());
    }

    @Override
    public RemoteWriteTransport forConfig(RemoteWriteConfig config) {
        TlsSettings tls = config.http().tls();
        AtomicReference<Clients> current = new AtomicReference<>();
        return (url, body, headers, timeout) -> {
            String tlsFiles = ClientTls.filesVersion(tls);
            Clients c = current.get();
            if (c == null || !c.tlsFiles().equals(tlsFiles)) {
                // Changed certificate files: new connections, with a full handshake that presents the new ones.
                c = clients(tls, tlsFiles);
                current.set(c);
            }
            return send(isBalanced(url) ? c.balanced() : c.direct(), url, body, headers, timeout);
        };
    }

    private record Clients(String tlsFiles, WebClient direct, WebClient balanced) {
    }

    private Clients clients(TlsSettings tls, String tlsFiles) {
        ReactorClientHttpConnector connector = new ReactorClientHttpConnector(HttpClient.create()
                .secure(spec -> spec.sslContext(nettyContext(tls))));
        WebClient direct = builder.clone().clientConnector(connector).build();
        WebClient balanced = loadBalancer == null ? null
                : builder.clone().clientConnector(connector).filter(loadBalancer).build();
        return new Clients(tlsFiles, direct, balanced);
    }

    private static JdkSslContext nettyContext(TlsSettings tls) {
        return new JdkSslContext(ClientTls.sslContext(tls), true, null, IdentityCipherSuiteFilter.INSTANCE,
                ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, ClientTls.protocols(tls), false);
    }

    private static int send(WebClient client, URI url, byte[] body, Map<String, String> headers, Duration timeout) {
        Integer status = client.post().uri(url)
                .headers(h -> headers.forEach(h::set))
                .bodyValue(body)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .timeout(timeout)
                .block();
        return status == null ? 503 : status;
    }
}
