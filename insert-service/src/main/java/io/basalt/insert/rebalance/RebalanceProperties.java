package io.basalt.insert.rebalance;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code basalt.insert.rebalance.*}: the rebalancer, run by one insert node of the cluster (docs/operations.md). */
@Validated
@ConfigurationProperties("basalt.insert.rebalance")
public class RebalanceProperties {

    /** Whether this insert node moves misplaced series; enable it on exactly one insert node. */
    private boolean enabled;

    /** Pause between passes over every node, tenant and hash range. */
    @NotNull
    private Duration interval = Duration.ofSeconds(30);

    /**
     * A misplaced series moves once its newest sample on the holder is older than this: writes routed under the
     * previous node list and copies owed to the holder have landed by then. Longer than the handoff lag you tolerate.
     */
    @NotNull
    private Duration settle = Duration.ofMinutes(10);

    /** Pace of copying, so that moving data does not starve live writes. */
    @Min(1024)
    private long bytesPerSecond = 8L * 1024 * 1024;

    /** Each node's series are read in {@code 2^prefixBits} hash ranges, so one answer stays small. */
    @Min(0)
    @Max(16)
    private int prefixBits = 8;

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

    public Duration getSettle() {
        return settle;
    }

    public void setSettle(Duration settle) {
        this.settle = settle;
    }

    public long getBytesPerSecond() {
        return bytesPerSecond;
    }

    public void setBytesPerSecond(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    public int getPrefixBits() {
        return prefixBits;
    }

    public void setPrefixBits(int prefixBits) {
        this.prefixBits = prefixBits;
    }
}
