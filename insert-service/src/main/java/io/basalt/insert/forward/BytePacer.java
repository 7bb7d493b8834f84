package io.basalt.insert.forward;

import java.util.function.LongSupplier;

/**
 * Keeps a background transfer (handoff deliveries, repair reads and writes, rebalancing copies) to a rate, by sleeping after each
 * transfer for as long as its bytes take at that rate, so it leaves room for live writes and queries.
 */
public final class BytePacer {

    private final LongSupplier bytesPerSecond;

    /** @param bytesPerSecond read at each transfer, so a changed setting applies at once */
    public BytePacer(LongSupplier bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    public void pace(long bytes) throws InterruptedException {
        long millis = bytes * 1000L / Math.max(1, bytesPerSecond.getAsLong());
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
