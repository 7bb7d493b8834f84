package io.basalt.insert.config;

import io.basalt.insert.limits.TenantSeriesLimit;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.HeapPressure;
import io.basalt.relabel.Relabeler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class InsertConfiguration {

    @Bean
    public AdmissionGate insertGate(InsertProperties props, HeapPressure heap) {
        return new AdmissionGate("insert requests", props.getMaxConcurrentInserts(),
                props.getMaxConcurrentInserts() * 64, props.getInsertQueueDuration(), heap);
    }

    /** Streamed imports, apart from the insert slots (see {@link InsertProperties#getMaxConcurrentImports}). */
    @Bean
    public AdmissionGate importGate(InsertProperties props, HeapPressure heap) {
        return new AdmissionGate("import requests", props.getMaxConcurrentImports(),
                props.getMaxConcurrentImports() * 64, props.getInsertQueueDuration(), heap);
    }

    @Bean
    public Relabeler insertRelabeler(InsertProperties props) {
        return RelabelRulesFile.load(props.getRelabelConfig());
    }

    @Bean
    public TenantSeriesLimit tenantSeriesLimit(InsertProperties props) {
        return new TenantSeriesLimit(props.getMaxActiveSeriesPerTenant(), System::currentTimeMillis);
    }
}
