package io.basalt.storage.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.storage.StorageApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

class StoragePropertiesValidationTest {

    @Test
    void aWrongValueStopsTheServiceNamingTheProperty() {
        assertThatThrownBy(() -> SpringApplication.run(StorageApplication.class, "--server.port=0",
                "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:1",
                "--basalt.storage.retention-period=1x"))
            .rootCause()
            .hasMessageContaining("basalt.storage.retention-period");
    }
}
