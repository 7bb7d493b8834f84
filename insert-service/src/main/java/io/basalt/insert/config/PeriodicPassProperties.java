package io.basalt.insert.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * What the background passes over the storage nodes (repair, rebalancing) are configured by alike: whether this
 * insert node runs the pass, how often, and how fast it may read and copy.
 */
public abstract class PeriodicPassProperties {

    /** Whether this insert node runs the pass; enable it on exactly one insert node of the cluster. */
    private boolean enabled;

    /** How often a pass runs (see each pass for whether from start to start or from end to start). */
    @NotNull
    private Duration interval;

    /** Pace of the pass' reads and copies, so that it does not starve queries and live writes. */
    @Min(1024)
    private long bytesPerSecond = 8L * 1024 * 1024;

    protected PeriodicPassProperties(Duration interval) {
        this.interval = interval;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public long getBytesPerSecond() {
        return bytesPerSecond;
    }

    public void setBytesPerSecond(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }
}
