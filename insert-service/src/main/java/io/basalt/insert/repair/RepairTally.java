package io.basalt.insert.repair;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals of the repairer, read by its metrics and status. */
public final class RepairTally {

    final AtomicLong passes = new AtomicLong();

    final AtomicLong blocksVerified = new AtomicLong();

    final AtomicLong blocksFailed = new AtomicLong();

    final AtomicLong rangesDiffering = new AtomicLong();

    final AtomicLong samplesCopied = new AtomicLong();

    final AtomicLong conflicts = new AtomicLong();

    final AtomicLong bytesRead = new AtomicLong();

    public long passes() {
        return passes.get();
    }

    public long blocksVerified() {
        return blocksVerified.get();
    }

    public long blocksFailed() {
        return blocksFailed.get();
    }

    public long rangesDiffering() {
        return rangesDiffering.get();
    }

    public long samplesCopied() {
        return samplesCopied.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    /** Counts {@code bytes} of answers read from storage nodes (digests and series). */
    public void read(long bytes) {
        bytesRead.addAndGet(bytes);
    }
}
