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

    @Bean
    RemoteWriteTransport.Factory remoteWriteTransports(WebClient.Builder builder,
            ObjectProvider<LoadBalancedExchangeFilterFunction> loadBalancer, ObjectProvider<DiscoveryClient> discovery) {
        return new WebClientTransport(builder, loadBalancer.getIfAvailable(), discovery.getIfAvailable());
    }
}
