package io.basalt.storage.config;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.tsdb.InMemoryStorage;
import io.basalt.tsdb.Storage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean(destroyMethod = "close")
    public Storage storage() {
        return new InMemoryStorage();
    }

    @Bean
    public AdmissionGate insertGate(StorageProperties props) {
        return new AdmissionGate("storage inserts", props.getMaxConcurrentInserts(),
                props.getMaxConcurrentInserts() * 64, props.getInsertQueueDuration());
    }

    @Bean
    public AdmissionGate selectGate(StorageProperties props) {
        return new AdmissionGate("storage selects", props.getMaxConcurrentSelects(),
                props.getMaxConcurrentSelects() * 64, props.getSelectQueueDuration());
    }
}
