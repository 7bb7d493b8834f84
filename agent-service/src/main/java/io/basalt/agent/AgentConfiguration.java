package io.basalt.agent;

import io.basalt.agent.remotewrite.RemoteWriteTransport;
import io.basalt.agent.remotewrite.WebClientTransport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** Wires the remote-write transport to WebClient and Spring Cloud LoadBalancer. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    /**
     * A plain builder rather than Boot's: the node-wide client settings ({@code basalt.security.client.*}, applied by
     * a customizer to Boot's builder) must not reach remote write, whose credentials and TLS come from the agent's
     * Prometheus config alone. Everything else (the load balancer's health checks) keeps the node-wide settings.
     */
    @Bean
    RemoteWriteTransport.Factory remoteWriteTransports(ObjectProvider<LoadBalancedExchangeFilterFunction> loadBalancer,
            ObjectProvider<DiscoveryClient> discovery) {
        return new WebClientTransport(WebClient.builder(), loadBalancer.getIfAvailable(), discovery.getIfAvailable());
    }
}
