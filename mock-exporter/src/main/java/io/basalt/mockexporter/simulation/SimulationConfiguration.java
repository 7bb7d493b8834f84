package io.basalt.mockexporter.simulation;

import io.basalt.mockexporter.exposition.FleetPage;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One fleet per process, started when the application starts; tests may replace the clock. */
@Configuration(proxyBeanMethods = false)
public class SimulationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock simulationClock() {
        return Clock.systemUTC();
    }

    @Bean
    SimulatedFleet simulatedFleet(MockExporterProperties props, Clock clock) {
        return new SimulatedFleet(props, clock);
    }

    @Bean
    FleetPage fleetPage(SimulatedFleet fleet, MockExporterProperties props) {
        return new FleetPage(fleet, props.isDebugFamilies());
    }
}
