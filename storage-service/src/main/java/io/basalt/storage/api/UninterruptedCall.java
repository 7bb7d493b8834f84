package io.basalt.storage.api;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a blocking engine call off the event loop so that a caller hanging up can never interrupt it.
 *
 * <p>{@code subscribeOn} would: when the HTTP exchange is cancelled (insert-service's storage timeout, a killed
 * caller), Reactor disposes the task with {@code Future.cancel(true)}. An interrupt that reaches a thread inside, or
 * on its way into, {@code FileChannel} I/O closes that channel for every thread, and the engine's channels are
 * shared: the write-ahead log's, and each part's during searches and merges. The node then fails every append or
 * read of that file until it restarts.
 *
 * <p>Here a call that has started always runs to its end; cancelling only drops the answer. A call whose caller left
 * before it started is not run at all, so nothing half-done can come of a cancellation either way.
 */
final class UninterruptedCall {

    private UninterruptedCall() {
    }

    /** The call's result; empty when it returns null. */
    static <T> Mono<T> call(Callable<T> work) {
        return call(Schedulers.boundedElastic(), work);
    }

    static Mono<Void> run(Runnable work) {
        return call(() -> {
            work.run();
            return null;
        });
    }

    static <T> Mono<T> call(Scheduler scheduler, Callable<T> work) {
        return Mono.create(sink -> {
            AtomicBoolean abandoned = new AtomicBoolean();
            sink.onCancel(() -> abandoned.set(true));
            // The Disposable is dropped on purpose: disposing it is exactly what interrupts the worker.
            scheduler.schedule(() -> {
                if (abandoned.get()) {
                    return;
                }
                T result;
                try {
                    result = work.call();
                }
                catch (Throwable e) {
                    sink.error(e);
                    return;
                }
                sink.success(result);
            });
        });
    }
}
