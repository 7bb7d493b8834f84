package io.basalt.node;

import io.basalt.node.admission.HeapPressure;
import io.basalt.node.status.NodeStatusController;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import io.basalt.node.web.CrossSiteWrites;
import io.basalt.node.web.NodeErrorAdvice;
import io.basalt.node.web.SlowClientTimeouts;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import io.basalt.node.status.NodeStatusContributor;
import org.springframework.context.annotation.Import;

/**
 * Gives every Basalt service the status endpoint, the overload answer, the slow-client timeouts and the refusal of
 * cross-site writes without per-service wiring.
 */
@AutoConfiguration
@Import({ NodeErrorAdvice.class, SlowClientTimeouts.class, CrossSiteWrites.class })
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
