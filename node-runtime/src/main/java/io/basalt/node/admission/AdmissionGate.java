package io.basalt.node.admission;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Bounds how many requests of one kind run at once ({@code maxConcurrent*} settings). Excess requests wait in a
 * bounded queue for at most {@code maxWait}; past that, or when the queue is full, they fail with
 * {@link TooBusyException} so the caller answers 503 with {@code Retry-After} instead of piling up memory. While
 * the heap is under {@link HeapPressure} every new request is refused the same way.
 * Non-blocking: waiting requests hold no thread.
 */
public final class AdmissionGate {

    private final String name;

    private final int maxConcurrent;

    private final int maxQueued;

    private final Duration maxWait;

    private final AtomicInteger running = new AtomicInteger();

    private final AtomicInteger queued = new AtomicInteger();

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    private final HeapPressure heap;

    public AdmissionGate(String name, int maxConcurrent, int maxQueued, Duration maxWait) {
        this(name, maxConcurrent, maxQueued, maxWait, HeapPressure.NONE);
    }

    /** @param heap while it is high, every new request is refused at once: finishing the running ones frees memory */
    public AdmissionGate(String name, int maxConcurrent, int maxQueued, Duration maxWait, HeapPressure heap) {
        this.heap = heap;
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(name + ": maxConcurrent must be at least 1");
        }
        this.name = name;
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = Math.max(0, maxQueued);
        this.maxWait = maxWait;
    }

    /** Runs {@code work} once a slot is free; the slot is released when the returned Mono terminates or is cancelled. */
    public <T> Mono<T> run(Supplier<Mono<T>> work) {
        return acquire().then(Mono.defer(work).doFinally(signal -> release()));
    }

    /**
     * Like {@link #run} for a streamed answer: the slot is held until the last element is sent (or the stream fails
     * or is cancelled), so a slow reader of a large answer still counts against the limit.
     */
    public <T> Flux<T> runMany(Supplier<Flux<T>> work) {
        return acquire().thenMany(Flux.defer(work).doFinally(signal -> release()));
    }

    public int running() {
        return running.get();
    }

    public int queued() {
        return queued.get();
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    private Mono<Void> acquire() {
        return Mono.defer(() -> {
            if (heap.isHigh()) {
                return Mono.error(new TooBusyException(heap.refusal(name)));
            }
            if (tryTakeSlot()) {
                return Mono.empty();
            }
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                return Mono.error(new TooBusyException(name + ": " + maxConcurrent + " requests running and "
                        + maxQueued + " queued; retry later"));
            }
            return Mono.<Void>create(sink -> {
                Waiter waiter = new Waiter(sink);
                waiters.add(waiter);
                sink.onCancel(() -> abandon(waiter));
                // A slot may have been freed between the failed attempt and enqueueing: hand it over now.
                drain();
            })
                .timeout(maxWait, Schedulers.parallel())
                .onErrorMap(java.util.concurrent.TimeoutException.class,
                        e -> new TooBusyException(name + ": waited " + maxWait.toMillis()
                                + " ms for one of " + maxConcurrent + " slots; retry later"));
        });
    }

    private boolean tryTakeSlot() {
        while (true) {
            int r = running.get();
            if (r >= maxConcurrent) {
                return false;
            }
            if (running.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    private void release() {
        running.decrementAndGet();
        drain();
    }

    private void drain() {
        Waiter w;
        while ((w = waiters.peek()) != null && tryTakeSlot()) {
            waiters.remove(w);
            if (w.claim()) {
                queued.decrementAndGet();
                w.sink.success();
            }
            else {
                running.decrementAndGet();
            }
        }
    }

    private void abandon(Waiter waiter) {
        if (waiter.claim()) {
            waiters.remove(waiter);
            queued.decrementAndGet();
        }
        else {
            // drain() granted a slot to a request that was cancelled (timed out) at the same moment: give it back.
            release();
        }
    }

    private static final class Waiter {

        final MonoSink<Void> sink;

        private final AtomicInteger state = new AtomicInteger();

        Waiter(MonoSink<Void> sink) {
            this.sink = sink;
        }

        /** Exactly one of "granted a slot" and "gave up" wins. */
        boolean claim() {
            return state.compareAndSet(0, 1);
        }
    }
}
