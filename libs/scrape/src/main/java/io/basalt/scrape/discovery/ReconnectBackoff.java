package io.basalt.scrape.discovery;

import java.time.Duration;

/**
 * The wait before reconnecting to a server that failed: doubling from a minimum to a maximum, and back to the minimum
 * once a connection works again, so a server that is down is not hammered and one that is back is used at once.
 */
final class ReconnectBackoff {

    private final long minMillis;

    private final long maxMillis;

    private long nextMillis;

    ReconnectBackoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.nextMillis = minMillis;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the maximum. */
    long nextMillis() {
        long wait = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return wait;
    }

    void reset() {
        nextMillis = minMillis;
    }
}
