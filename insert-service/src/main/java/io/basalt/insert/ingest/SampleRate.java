package io.basalt.insert.ingest;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/** Samples stored per second over the last minute, for {@code /api/v1/status}: six ten-second buckets. */
final class SampleRate {

    private static final int BUCKETS = 6;

    private static final long BUCKET_MILLIS = 10_000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);

    private final LongSupplier clock;

    SampleRate(LongSupplier clock) {
        this.clock = clock;
    }

    void add(long samples) {
        long epoch = clock.getAsLong() / BUCKET_MILLIS;
        int slot = (int) (epoch % BUCKETS);
        long seen = epochs.get(slot);
        if (seen != epoch && epochs.compareAndSet(slot, seen, epoch)) {
            counts.set(slot, 0);
        }
        counts.addAndGet(slot, samples);
    }

    /** Average over the last minute (the current, partial bucket included). */
    double perSecond() {
        long epoch = clock.getAsLong() / BUCKET_MILLIS;
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (epoch - epochs.get(i) < BUCKETS) {
                sum += counts.get(i);
            }
        }
        return sum / (BUCKETS * BUCKET_MILLIS / 1000.0);
    }
}
