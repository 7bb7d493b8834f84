package io.basalt.insert.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.insert.InsertApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

class InsertPropertiesValidationTest {

    @Test
    void aWrongValueStopsTheServiceNamingTheProperty() {
        assertThatThrownBy(() -> SpringApplication.run(InsertApplication.class, "--server.port=0",
                "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:1",
                "--basalt.insert.replication-factor=0"))
            .rootCause()
            .hasMessageContaining("basalt.insert.replication-factor");
    }
}
