package io.basalt.insert.config;

import io.basalt.node.admission.AdmissionGate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class InsertConfiguration {

    @Bean
    public AdmissionGate insertGate(InsertProperties props) {
        return new AdmissionGate("insert requests", props.getMaxConcurrentInserts(),
                props.getMaxConcurrentInserts() * 64, props.getInsertQueueDuration());
    }
}
