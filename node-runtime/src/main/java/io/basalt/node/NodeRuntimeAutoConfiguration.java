package io.basalt.node;

import io.basalt.node.admission.BodyBudget;
import io.basalt.node.admission.HeapPressure;
import io.basalt.node.status.NodeStatusController;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import io.basalt.node.web.CrossSiteWrites;
import io.basalt.node.web.NettyResourcesPerContext;
import io.basalt.node.web.NodeErrorAdvice;
import io.basalt.node.web.SlowClientTimeouts;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import io.basalt.node.status.NodeStatusContributor;
import org.springframework.context.annotation.Import;
import org.springframework.util.unit.DataSize;

/**
 * Gives every Basalt service the status endpoint, the overload answer, the slow-client timeouts and the refusal of
 * cross-site writes without per-service wiring, and Netty resources of its own to each context.
 */
@AutoConfiguration
@Import({ NodeErrorAdvice.class, SlowClientTimeouts.class, CrossSiteWrites.class, NettyResourcesPerContext.class })
public class NodeRuntimeAutoConfiguration {

    /**
     * One per JVM. Above {@code basalt.server.heap-refuse-above} of the heap live after a full collection the
     * admission gates refuse new requests (503); below {@code heap-accept-below} they take them again.
     */
    @Bean
    @ConditionalOnMissingBean
    public HeapPressure heapPressure(@Value("${basalt.server.heap-refuse-above:0.8}") double refuseAbove,
            @Value("${basalt.server.heap-accept-below:0.7}") double acceptBelow) {
        return HeapPressure.watchingThisJvm(refuseAbove, acceptBelow);
    }

    /**
     * One per JVM: request body bytes held at once by every endpoint that reads a whole body
     * ({@code basalt.server.max-in-flight-body-bytes}, a quarter of the maximum heap unless set).
     */
    @Bean
    @ConditionalOnMissingBean
    public BodyBudget bodyBudget(@Value("${basalt.server.max-in-flight-body-bytes:}") DataSize max,
            HeapPressure heap) {
        return new BodyBudget(max != null ? max.toBytes() : Runtime.getRuntime().maxMemory() / 4, heap);
    }

    @Bean
    public MeterBinder bodyBudgetMetrics(BodyBudget bodies) {
        return registry -> {
            Gauge.builder("basalt_request_body_bytes_in_flight", bodies, BodyBudget::inFlight)
                .description("Request body bytes received and held in memory right now, over every endpoint")
                .register(registry);
            Gauge.builder("basalt_request_body_bytes_max", bodies, BodyBudget::maxBytes)
                .description("basalt.server.max-in-flight-body-bytes: past it requests are refused with 503")
                .register(registry);
            FunctionCounter.builder("basalt_request_bodies_refused", bodies, BodyBudget::refusals)
                .description("Requests refused with 503 because request bodies in flight reached their bound")
                .register(registry);
        };
    }

    @Bean
    public MeterBinder heapPressureMetrics(HeapPressure heap) {
        return registry -> {
            Gauge.builder("basalt_heap_live_ratio", heap, HeapPressure::lastRatio)
                .description("Share of the maximum heap in use after the latest garbage collection")
                .register(registry);
            Gauge.builder("basalt_heap_pressure", heap, h -> h.isHigh() ? 1 : 0)
                .description("1 while new requests are refused because the heap is nearly full")
                .register(registry);
            FunctionCounter.builder("basalt_heap_pressure_episodes", heap, HeapPressure::episodes)
                .description("Times the node started refusing requests because the heap was nearly full")
                .register(registry);
        };
    }

    @AutoConfiguration
    @ConditionalOnBean(NodeStatusContributor.class)
    @Import(NodeStatusController.class)
    public static class StatusEndpoint {
    }
}
