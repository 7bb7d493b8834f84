package io.basalt.tsdb;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A periodic engine task that survives its own failures. A scheduled executor silently stops running a task that
 * throws, and a node whose flush or fsync has stopped goes on acknowledging writes it will never make durable; so
 * every failure, {@link Error}s included, is caught, counted and logged (at most once a minute with a count), and the
 * task runs again on its next tick. An {@link OutOfMemoryError} still ends the process: every JVM runs with
 * {@code -XX:+ExitOnOutOfMemoryError}.
 */
final class GuardedTask implements Runnable {

    private static final System.Logger LOG = System.getLogger(GuardedTask.class.getName());

    private static final long REPORT_INTERVAL_MS = 60_000;

    private final String name;

    private final Runnable task;

    private final AtomicLong failures;

    private final ThrottledReport report;

    /** @param failures incremented on every failure; shared by an engine's tasks */
    GuardedTask(String name, Runnable task, AtomicLong failures) {
        this.name = name;
        this.task = task;
        this.failures = failures;
        this.report = new ThrottledReport(REPORT_INTERVAL_MS, System::currentTimeMillis,
                line -> LOG.log(Level.ERROR, line));
    }

    @Override
    public void run() {
        try {
            task.run();
        }
        catch (Throwable t) { // NOPMD: see the class comment; rethrowing would stop the schedule for good
            failures.incrementAndGet();
            report.record(1, count -> "background " + name + " failed (" + count + " time(s) since the last report);"
                    + " retrying on the next tick: " + t);
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                LOG.log(Level.ERROR, "background " + name + ": the JVM reported " + t, t);
            }
        }
    }
}
