package io.basalt.select.config;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.HeapPressure;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class SelectConfiguration {

    @Bean
    public AdmissionGate selectGate(SelectProperties props, HeapPressure heap) {
        return new AdmissionGate("select queries", props.getMaxConcurrentSelects(),
                props.getMaxConcurrentSelects() * 64, props.getSelectQueueDuration(), heap);
    }
}
