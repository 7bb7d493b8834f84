package io.basalt.insert.rebalance;

import io.basalt.insert.config.PeriodicPassProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code basalt.insert.rebalance.*}: the rebalancer, run by one insert node of the cluster (docs/operations.md):
 * {@code enabled}, {@code interval} (30s, the pause between the end of a pass and the start of the next) and
 * {@code bytes-per-second} of every periodic pass, and the rebalancer's own.
 */
@Validated
@ConfigurationProperties("basalt.insert.rebalance")
public class RebalanceProperties extends PeriodicPassProperties {

    /**
     * A misplaced series moves once its newest sample on the holder is older than this: writes routed under the
     * previous node list and copies owed to the holder have landed by then. Longer than the handoff lag you tolerate.
     */
    @NotNull
    private Duration settle = Duration.ofMinutes(10);

    /** Each node's series are read in {@code 2^prefixBits} hash ranges, so one answer stays small. */
    @Min(0)
    @Max(16)
    private int prefixBits = 8;

    public RebalanceProperties() {
        // The pause after one pass ends before the next starts.
        super(Duration.ofSeconds(30));
    }

    public Duration getSettle() {
        return settle;
    }

    public void setSettle(Duration settle) {
        this.settle = settle;
    }

    public int getPrefixBits() {
        return prefixBits;
    }

    public void setPrefixBits(int prefixBits) {
        this.prefixBits = prefixBits;
    }
}
