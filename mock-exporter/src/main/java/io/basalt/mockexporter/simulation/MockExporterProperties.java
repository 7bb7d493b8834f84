package io.basalt.mockexporter.simulation;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Scale and randomness of the simulated fleet ({@code basalt.mock-exporter.*}). Series per target come to roughly
 * {@code instances * methods * paths * (status-codes + 15) + 11 * instances}; {@link
 * io.basalt.mockexporter.exposition.FleetPage#seriesPerTarget} gives the exact number.
 */
@Validated
@ConfigurationProperties("basalt.mock-exporter")
public class MockExporterProperties {

    /** Simulated pods per target, each with its own label {@code pod}. */
    @Min(1)
    @Max(10_000)
    private int instances = 3;

    /** Distinct values of the label {@code path}; raises the request-series count linearly. */
    @Min(1)
    @Max(10_000)
    private int paths = 4;

    /** Distinct values of the label {@code method}, taken from GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS. */
    @Min(1)
    @Max(7)
    private int methods = 2;

    /** Distinct values of the label {@code status}: 200 first, then 404, 500 and further error codes. */
    @Min(1)
    @Max(15)
    private int statusCodes = 3;

    /** Virtual targets served at {@code /metrics/target/{n}} for {@code n} in {@code [0, targets)}. */
    @Min(1)
    @Max(100_000)
    private int targets = 200;

    /** Seed of every random draw: the same seed gives the same page at the same simulation tick. */
    private long seed = 42;

    /** Simulated time per tick; the fleet moves one tick per step of wall-clock time, whoever scrapes it. */
    private Duration step = Duration.ofSeconds(1);

    /** Mean requests per second that one pod serves before load swings and bursts. */
    @DecimalMin("0.0")
    private double requestsPerSecond = 20;

    /** Mean time between restarts of one pod (its counters reset to zero); zero turns restarts off. */
    private Duration meanTimeBetweenRestarts = Duration.ofHours(1);

    /** Pods replaced by new ones with new names per minute (rolling deployments), which creates new series. */
    @DecimalMin("0.0")
    private double podChurnPerMinute = 0;

    /**
     * Serve the {@code mock_debug_*} families too. They exist so that write-relabel rules dropping them have
     * something to drop; the agents' sample configs do.
     */
    private boolean debugFamilies = true;

    @AssertTrue(message = "basalt.mock-exporter.step must be at least 1ms")
    public boolean isStepValid() {
        return step != null && step.toMillis() >= 1;
    }

    @AssertTrue(message = "basalt.mock-exporter.mean-time-between-restarts must not be negative")
    public boolean isMeanTimeBetweenRestartsValid() {
        return meanTimeBetweenRestarts != null && !meanTimeBetweenRestarts.isNegative();
    }

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

    public int getMethods() {
        return methods;
    }

    public void setMethods(int methods) {
        this.methods = methods;
    }

    public int getStatusCodes() {
        return statusCodes;
    }

    public void setStatusCodes(int statusCodes) {
        this.statusCodes = statusCodes;
    }

    public int getTargets() {
        return targets;
    }

    public void setTargets(int targets) {
        this.targets = targets;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public Duration getStep() {
        return step;
    }

    public void setStep(Duration step) {
        this.step = step;
    }

    public double getRequestsPerSecond() {
        return requestsPerSecond;
    }

    public void setRequestsPerSecond(double requestsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
    }

    public Duration getMeanTimeBetweenRestarts() {
        return meanTimeBetweenRestarts;
    }

    public void setMeanTimeBetweenRestarts(Duration meanTimeBetweenRestarts) {
        this.meanTimeBetweenRestarts = meanTimeBetweenRestarts;
    }

    public double getPodChurnPerMinute() {
        return podChurnPerMinute;
    }

    public void setPodChurnPerMinute(double podChurnPerMinute) {
        this.podChurnPerMinute = podChurnPerMinute;
    }

    public boolean isDebugFamilies() {
        return debugFamilies;
    }

    public void setDebugFamilies(boolean debugFamilies) {
        this.debugFamilies = debugFamilies;
    }
}
