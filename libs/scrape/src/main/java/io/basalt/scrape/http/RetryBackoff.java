package io.basalt.scrape.http;

import java.time.Duration;

/**
 * The wait before trying a server that failed again: doubling from a minimum to a maximum, and back to the minimum
 * once a request works again, so a server that is down is not hammered and one that is back is used at once. The
 * agent's one back-off: discovery watches reconnect with it and remote-write queues resend with it.
 */
public final class RetryBackoff {

    private final long minMillis;

    private final long maxMillis;

    private long nextMillis;

    public RetryBackoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.nextMillis = minMillis;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the maximum. */
    public long nextMillis() {
        long wait = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return wait;
    }

    public void reset() {
        nextMillis = minMillis;
    }
}
