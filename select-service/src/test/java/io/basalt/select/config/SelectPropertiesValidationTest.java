package io.basalt.select.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.select.SelectApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

class SelectPropertiesValidationTest {

    @Test
    void aWrongValueStopsTheServiceNamingTheProperty() {
        assertThatThrownBy(() -> SpringApplication.run(SelectApplication.class, "--server.port=0",
                "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:1",
                "--basalt.select.max-query-len=0"))
            .rootCause()
            .hasMessageContaining("basalt.select.max-query-len");
    }
}
