package io.basalt.fuzzing;

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
 * else (another runtime exception, an error such as a stack overflow or an out-of-memory, or a hang) fails the try.
 */
public final class Refusals {

    /** Generous: it catches a hang or a runaway loop, it does not measure speed. */
    public static final Duration HANG = Duration.ofSeconds(2);

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
        Future<Outcome<T>> running = worker.submit(() -> {
            try {
                return new Outcome<>(decode.get(), null);
            }
            catch (Throwable t) {
                return new Outcome<>(null, t);
            }
        });
        Outcome<T> outcome;
        try {
            outcome = running.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            running.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("no answer within " + HANG.toMillis() + " ms: a hang or a runaway loop");
        }
        catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        Throwable t = outcome.thrown();
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

    private record Outcome<T>(T value, Throwable thrown) {
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fuzz-decoder");
            thread.setDaemon(true);
            return thread;
        });
    }
}
