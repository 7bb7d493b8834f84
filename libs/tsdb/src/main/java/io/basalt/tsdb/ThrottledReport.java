package io.basalt.tsdb;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Reports a recurring condition at most once per interval, with how many times it happened since the previous report.
 * A client that sends bad samples in every request would otherwise write one log line per request; the exact totals
 * belong in a counter, the log only has to say that it happens and give an example.
 */
final class ThrottledReport {

    private final long intervalMillis;

    private final LongSupplier millis;

    private final Consumer<String> sink;

    private long pending;

    private boolean reportedOnce;

    private long nextReportAt;

    /**
     * @param millis time source; only its differences matter
     * @param sink receives each report, e.g. a logger call
     */
    ThrottledReport(long intervalMillis, LongSupplier millis, Consumer<String> sink) {
        this.intervalMillis = intervalMillis;
        this.millis = millis;
        this.sink = sink;
    }

    /**
     * Counts {@code occurrences}; when a report is due, {@code message} turns the count since the previous report
     * (this call's included) into the line. The first occurrence is always reported at once.
     */
    void record(long occurrences, LongFunction<String> message) {
        String line;
        synchronized (this) {
            pending += occurrences;
            long now = millis.getAsLong();
            if (reportedOnce && now - nextReportAt < 0) {
                return;
            }
            line = message.apply(pending);
            pending = 0;
            reportedOnce = true;
            nextReportAt = now + intervalMillis;
        }
        sink.accept(line);
    }
}
