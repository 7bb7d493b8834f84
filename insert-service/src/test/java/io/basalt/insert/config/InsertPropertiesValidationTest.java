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

    @Test
    void fewerWriteCopiesThanReplicasNeedAHintPath() {
        assertThatThrownBy(() -> SpringApplication.run(InsertApplication.class, "--server.port=0",
                "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:1",
                "--spring.cloud.discovery.client.simple.instances.storage[1].uri=http://127.0.0.1:2",
                "--basalt.insert.replication-factor=2", "--basalt.insert.min-write-copies=1"))
            .rootCause()
            .hasMessageContaining("basalt.insert.hint-path");
    }

    @Test
    void theSharedSettingsOfAPeriodicPassAreValidatedUnderEachPassName() {
        assertThatThrownBy(() -> SpringApplication.run(InsertApplication.class, "--server.port=0",
                "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:1",
                "--basalt.insert.rebalance.bytes-per-second=10"))
            .rootCause()
            .hasMessageContaining("basalt.insert.rebalance.bytesPerSecond");
    }
}
