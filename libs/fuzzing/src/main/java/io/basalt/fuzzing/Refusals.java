package io.basalt.fuzzing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The contract every fuzzed decoder must keep: it returns, or it refuses with its one documented exception. Anything
 * else (another runtime exception, an error such as a stack overflow or an out-of-memory, a hang, or an allocation
 * far beyond what the input could justify, as when a decoder trusts a declared length) fails the input.
 */
public final class Refusals {

    /** Generous: it catches a hang or a runaway loop, it does not measure speed. */
    public static final Duration HANG = Duration.ofSeconds(2);

    /**
     * The most one decode may allocate, in bytes, unless a caller passes its own bound. Far above what any input of a
     * fuzz target needs, far below what a decoder that allocates what a length field claims (2^31 and up) asks for.
     * The test JVM's heap is a quarter of the machine's memory, so such an allocation could succeed and pass unseen
     * without this check.
     */
    public static final long ALLOCATION = 256L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * One long-lived worker instead of JUnit's {@code assertTimeoutPreemptively}, which starts a thread per call and
     * would cost more than most decodes; a worker stuck in a hang is abandoned and replaced.
     */
    private static ExecutorService worker = newWorker();

    private Refusals() {
    }

    /**
     * Runs {@code decode} under {@link #HANG}; a refusal with {@code documented} is handed to {@code check}.
     *
     * @return what was decoded, or {@code null} when the input was refused
     */
    public static <T, E extends Throwable> T decodeOrRefuse(Class<E> documented, Consumer<E> check,
            ThrowingSupplier<T> decode) {
        return decodeOrRefuse(documented, check, ALLOCATION, decode);
    }

    /** As {@link #decodeOrRefuse(Class, Consumer, ThrowingSupplier)}, with a bound on the bytes one decode allocates. */
    public static <T, E extends Throwable> T decodeOrRefuse(Class<E> documented, Consumer<E> check,
            long maxAllocatedBytes, ThrowingSupplier<T> decode) {
        return decodeOrRefuse(documented, check, HANG, maxAllocatedBytes, decode);
    }

    /**
     * As {@link #decodeOrRefuse(Class, Consumer, ThrowingSupplier)}, with a bound on time and on the bytes one decode
     * allocates. The first use of a class loads it and, in Jazzer's fuzzing mode, instruments it, on the decoding
     * thread: seconds and hundreds of MB that are not the decoder's. A decoder is deterministic, so an input over
     * either bound is run once more, and only a second miss counts.
     */
    public static <T, E extends Throwable> T decodeOrRefuse(Class<E> documented, Consumer<E> check, Duration hang,
            long maxAllocatedBytes, ThrowingSupplier<T> decode) {
        Outcome<T> outcome = run(decode, hang);
        if (outcome == null || outcome.allocated() > maxAllocatedBytes) {
            outcome = run(decode, hang);
        }
        if (outcome == null) {
            throw new AssertionError("no answer within " + hang.toMillis() + " ms, twice: a hang or a runaway loop");
        }
        Throwable t = outcome.thrown();
        if (outcome.allocated() > maxAllocatedBytes) {
            throw new AssertionError("allocated " + outcome.allocated() + " bytes for one input, twice (bound "
                    + maxAllocatedBytes + "): sized by a length the input declares?", t);
        }
        if (t == null) {
            return outcome.value();
        }
        if (!documented.isInstance(t)) {
            throw new AssertionError("undocumented " + t.getClass().getName() + " (only "
                    + documented.getSimpleName() + " may escape): " + t.getMessage(), t);
        }
        check.accept(documented.cast(t));
        return null;
    }

    /** @return the outcome, or {@code null} when there was none within {@code hang} */
    private static <T> Outcome<T> run(ThrowingSupplier<T> decode, Duration hang) {
        Future<Outcome<T>> running = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                T value = decode.get();
                return new Outcome<>(value, null, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            catch (Throwable t) {
                return new Outcome<>(null, t, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
        });
        Outcome<T> outcome;
        try {
            outcome = running.get(hang.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            running.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            return null;
        }
        catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        return outcome;
    }

    private record Outcome<T>(T value, Throwable thrown, long allocated) {
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fuzz-decoder");
            thread.setDaemon(true);
            return thread;
        });
    }
}
