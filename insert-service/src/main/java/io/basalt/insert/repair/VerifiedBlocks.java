package io.basalt.insert.repair;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The closed blocks the repairer is responsible for (those ending within the lookback, after the settle delay) and
 * which of them it has verified: all replicas compared and every difference copied. The repair lag is the age of
 * the oldest of them not verified since it closed; blocks closed before this repairer started count from its start,
 * since it cannot know what an earlier process verified.
 */
public final class VerifiedBlocks {

    private final ConcurrentSkipListSet<Long> verified = new ConcurrentSkipListSet<>();

    private final Duration length;

    private final Duration settle;

    private final Duration lookback;

    private final long startedMillis;

    public VerifiedBlocks(Duration length, Duration settle, Duration lookback, long startedMillis) {
        if (length.toMillis() <= 0) {
            throw new IllegalArgumentException("the block length must be positive; got " + length);
        }
        this.length = length;
        this.settle = settle;
        this.lookback = lookback;
        this.startedMillis = startedMillis;
    }

    /** Closed blocks within the lookback, oldest first. */
    public List<TimeBlock> closed(long nowMillis) {
        return closed(nowMillis, lookback);
    }

    /** Closed blocks within {@code lookback}, oldest first (an on-demand pass may reach further back). */
    public List<TimeBlock> closed(long nowMillis, Duration lookback) {
        return TimeBlock.closed(nowMillis, length, settle, lookback);
    }

    public void verified(TimeBlock block) {
        verified.add(block.start());
    }

    public boolean isVerified(TimeBlock block) {
        return verified.contains(block.start());
    }

    /** Milliseconds since the oldest closed block within the lookback that is not verified closed; 0 when none. */
    public long lagMillis(long nowMillis) {
        List<TimeBlock> window = closed(nowMillis);
        if (!window.isEmpty()) {
            verified.headSet(window.get(0).start()).clear(); // left the window: never needed again
        }
        for (TimeBlock b : window) {
            if (!verified.contains(b.start())) {
                long closedAt = Math.max(b.end() + settle.toMillis(), startedMillis);
                return Math.max(0, nowMillis - closedAt);
            }
        }
        return 0;
    }
}
