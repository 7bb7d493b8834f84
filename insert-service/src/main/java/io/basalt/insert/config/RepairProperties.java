package io.basalt.insert.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the anti-entropy repairer ({@code basalt.insert.repair.*}, see docs/operations.md): {@code enabled},
 * {@code interval} (1h, between the starts of two passes) and {@code bytes-per-second} of every periodic pass, and the
 * repair's own. Exactly one insert node of a cluster should have it enabled: two would compare and copy the same
 * blocks twice.
 */
@Validated
@ConfigurationProperties("basalt.insert.repair")
public class RepairProperties extends PeriodicPassProperties {

    /** Delay of the first pass after start, so a cluster starting together is up before it is compared. */
    @NotNull
    private Duration initialDelay = Duration.ofMinutes(1);

    /** Span of one compared time block. */
    @NotNull
    private Duration block = Duration.ofHours(1);

    /**
     * How long after its end a block is compared: longer than hinted handoff usually needs to deliver owed copies,
     * so the repairer does not copy what handoff is about to.
     */
    @NotNull
    private Duration settleDelay = Duration.ofMinutes(10);

    /** How far back a periodic pass compares; an on-demand pass may ask for more. */
    @NotNull
    private Duration lookback = Duration.ofDays(1);

    /** A differing hash range is split until it holds at most about this many series, then read in full. */
    @Min(1)
    private int leafSeries = 1000;

    public RepairProperties() {
        // Between the starts of two passes: each compares every node's closed blocks.
        super(Duration.ofHours(1));
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    public Duration getBlock() {
        return block;
    }

    public void setBlock(Duration block) {
        this.block = block;
    }

    public Duration getSettleDelay() {
        return settleDelay;
    }

    public void setSettleDelay(Duration settleDelay) {
        this.settleDelay = settleDelay;
    }

    public Duration getLookback() {
        return lookback;
    }

    public void setLookback(Duration lookback) {
        this.lookback = lookback;
    }

    public int getLeafSeries() {
        return leafSeries;
    }

    public void setLeafSeries(int leafSeries) {
        this.leafSeries = leafSeries;
    }
}
