package io.basalt.mockexporter.simulation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Scale and randomness of the simulated service ({@code basalt.mock-exporter.*}). */
@Validated
@ConfigurationProperties("basalt.mock-exporter")
public class MockExporterProperties {

    /** Simulated service instances, each with its own label {@code pod}. */
    @Min(1)
    @Max(10_000)
    private int instances = 3;

    /** Distinct request paths per instance; raises the request-series count linearly. */
    @Min(1)
    @Max(10_000)
    private int paths = 4;

    /** Seed of the random walk: the same seed gives the same values scrape after scrape. */
    private long seed = 42;

    /** Probability per scrape that an instance restarts and its counters reset. */
    private double restartProbability = 0.002;

    public int getInstances() {
        return instances;
    }

    public void setInstances(int instances) {
        this.instances = instances;
    }

    public int getPaths() {
        return paths;
    }

    public void setPaths(int paths) {
        this.paths = paths;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public double getRestartProbability() {
        return restartProbability;
    }

    public void setRestartProbability(double restartProbability) {
        this.restartProbability = restartProbability;
    }
}
