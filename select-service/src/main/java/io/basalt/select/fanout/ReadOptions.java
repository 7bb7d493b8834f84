package io.basalt.select.fanout;

import java.time.Duration;

/**
 * How one API request reads from the storage tier.
 *
 * @param denyPartialResponse fail instead of answering with {@code isPartial=true}
 * @param deadlineNanos       {@link System#nanoTime()} after which nobody waits for the answer: storage nodes are
 *                            told the time left and stop scanning, and outstanding node requests are cancelled
 */
public record ReadOptions(boolean denyPartialResponse, long deadlineNanos) {

    public static ReadOptions within(boolean denyPartialResponse, Duration timeout) {
        return new ReadOptions(denyPartialResponse, System.nanoTime() + timeout.toNanos());
    }

    /** Time left before the deadline; zero or negative once it has passed. */
    public Duration remaining() {
        return Duration.ofNanos(deadlineNanos - System.nanoTime());
    }

    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }
}
