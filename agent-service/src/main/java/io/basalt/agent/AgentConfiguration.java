package io.basalt.agent;

import io.basalt.agent.remotewrite.RemoteWriteTransport;
import io.basalt.agent.remotewrite.WebClientTransport;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.HeapPressure;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** Wires the remote-write transport to WebClient and Spring Cloud LoadBalancer, and the push endpoints' gate. */
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

    /** The same gate insert puts in front of its ingestion: a burst of pushes waits or gets 503, never piles up. */
    @Bean
    AdmissionGate pushGate(AgentProperties properties, HeapPressure heap) {
        return new AdmissionGate("push requests", properties.getMaxConcurrentInserts(),
                properties.getMaxConcurrentInserts() * 64, properties.getInsertQueueDuration(), heap);
    }
}
