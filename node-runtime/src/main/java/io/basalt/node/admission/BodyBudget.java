package io.basalt.node.admission;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request body bytes a node holds in memory at once, over every endpoint that reads a whole body before
 * working on it. Bytes are reserved as buffers grow to hold what has arrived, never from the declared
 * {@code Content-Length} (a client may declare anything and send little), so a client that opens many requests and
 * sends a little of each holds only that little. Past the bound a request fails with {@link TooBusyException}
 * (503 with {@code Retry-After}) instead of growing the heap towards an {@link OutOfMemoryError}; so does every
 * reservation while the heap is under {@link HeapPressure}, as the admission gates do.
 */
public final class BodyBudget {

    /** No bound: for tools, tests and callers that have their own. */
    public static final BodyBudget UNBOUNDED = new BodyBudget(Long.MAX_VALUE, HeapPressure.NONE);

    private final long maxBytes;

    private final AtomicLong inFlight = new AtomicLong();

    private final AtomicLong refusals = new AtomicLong();

    private final HeapPressure heap;

    public BodyBudget(long maxBytes, HeapPressure heap) {
        this.heap = heap;
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the in-flight body budget must be at least 1 byte, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Reserves {@code bytes} for a body being received.
     *
     * @throws TooBusyException when that would pass the bound; the request is refused (and counted) and holds
     *         nothing more
     */
    public void reserve(long bytes) {
        if (heap.isHigh()) {
            refusals.incrementAndGet();
            throw new TooBusyException(heap.refusal("request bodies"));
        }
        while (true) {
            long used = inFlight.get();
            if (used + bytes > maxBytes) {
                refusals.incrementAndGet();
                throw new TooBusyException("request bodies being received or processed hold " + used + " of "
                        + maxBytes + " bytes (basalt.server.max-in-flight-body-bytes); retry later");
            }
            if (inFlight.compareAndSet(used, used + bytes)) {
                return;
            }
        }
    }

    /** Gives back bytes reserved by {@link #reserve}, once the body they held is no longer used. */
    public void release(long bytes) {
        inFlight.addAndGet(-bytes);
    }

    /** Body bytes held right now. */
    public long inFlight() {
        return inFlight.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Requests refused because the bound was reached, since start. */
    public long refusals() {
        return refusals.get();
    }
}
