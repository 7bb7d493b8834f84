package io.basalt.promql.engine;

/**
 * Lets a caller stop a query: the evaluator calls {@link #check()} between steps and while loading, and whatever
 * it throws ends the query.
 */
@FunctionalInterface
public interface Cancellation {

    Cancellation NONE = () -> {
    };

    /** @throws PromqlException (usually {@code timeout} or {@code canceled}) to stop the query */
    void check();

    /** Times the query out once {@link System#nanoTime()} passes {@code deadlineNanos}. */
    static Cancellation deadline(long deadlineNanos) {
        return () -> {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new PromqlException(PromqlException.ErrorType.TIMEOUT,
                        "query timed out in expression evaluation");
            }
        };
    }
}
