package io.basalt.promql.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs independent pieces of one query's work on the engine's executor and on the calling thread at once. The caller
 * works through the pieces in order and runs any piece the executor has not started yet, so a busy or rejecting
 * executor only takes away the parallelism, never leaves the query waiting for a free thread; and the results come
 * back in the pieces' order, so the answer does not depend on which thread ran what.
 */
final class ParallelPieces {

    private ParallelPieces() {
    }

    /** Each piece's result, in order; the first piece (in order) that failed rethrows its exception. */
    static <T> List<T> run(Executor executor, List<Supplier<T>> pieces) {
        List<Piece<T>> all = new ArrayList<>(pieces.size());
        for (Supplier<T> p : pieces) {
            all.add(new Piece<>(p));
        }
        if (executor != null) {
            for (int i = 1; i < all.size(); i++) {
                try {
                    executor.execute(all.get(i));
                }
                catch (RejectedExecutionException e) {
                    break;
                }
            }
        }
        for (Piece<T> p : all) {
            p.run();
        }
        List<T> results = new ArrayList<>(all.size());
        for (Piece<T> p : all) {
            results.add(p.result());
        }
        return results;
    }

    private static final class Piece<T> implements Runnable {

        private final Supplier<T> work;

        private final AtomicBoolean claimed = new AtomicBoolean();

        private final CompletableFuture<T> done = new CompletableFuture<>();

        Piece(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                done.complete(work.get());
            }
            catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }

        T result() {
            try {
                return done.join();
            }
            catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }
}
