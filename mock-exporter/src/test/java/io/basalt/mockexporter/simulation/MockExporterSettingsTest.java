package io.basalt.mockexporter.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** A wrong setting stops the exporter at start, and the message names the property to fix. */
class MockExporterSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MockExporterProperties.class)
    @Import(SimulationConfiguration.class)
    static class Simulation {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(Simulation.class);

    @Test
    void defaultsStart() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(SimulatedFleet.class));
    }

    @ParameterizedTest
    @CsvSource({
        "basalt.mock-exporter.instances=0, instances",
        "basalt.mock-exporter.methods=8, methods",
        "basalt.mock-exporter.status-codes=16, statusCodes",
        "basalt.mock-exporter.targets=0, targets",
        "basalt.mock-exporter.step=0s, step",
        "basalt.mock-exporter.mean-time-between-restarts=-1s, mean-time-between-restarts",
        "basalt.mock-exporter.pod-churn-per-minute=-1, podChurnPerMinute",
    })
    void aWrongSettingFailsTheStartNamingIt(String setting, String named) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(named);
        });
    }

    @Test
    void aScaleBeyondTheMemoryBoundFailsTheStart() {
        runner.withPropertyValues("basalt.mock-exporter.instances=10000", "basalt.mock-exporter.paths=10000")
            .run(context -> assertThat(messages(context.getStartupFailure()))
                .contains("basalt.mock-exporter.instances"));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
