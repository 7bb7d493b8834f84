package io.basalt.insert.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.config.PeriodicPassProperties;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The thread of a repair or rebalance pass: it survives a failed pass, wakes on demand, and only runs if enabled. */
class PeriodicPassTest {

    static final class Props extends PeriodicPassProperties {

        Props(Duration interval) {
            super(interval);
        }
    }

    /** Records when each pass starts; the first one fails. */
    static final class Recording extends PeriodicPass {

        final BlockingQueue<Long> starts = new LinkedBlockingQueue<>();

        final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

        private final AtomicInteger passes = new AtomicInteger();

        Recording(Props props, Duration initialDelay, Spacing spacing) {
            super("test-pass", props, initialDelay, spacing);
        }

        @Override
        protected void pass() {
            starts.add(System.nanoTime());
            if (passes.incrementAndGet() == 1) {
                throw new IllegalStateException("first pass fails");
            }
        }

        @Override
        protected void passFailed(Throwable failure) {
            failures.add(failure);
        }

        void now() {
            passNow();
        }
    }

    @Test
    void aFailedPassIsReportedAndTheNextOneRunsAfterTheInterval() throws InterruptedException {
        Props props = new Props(Duration.ofMillis(200));
        props.setEnabled(true);
        Recording pass = new Recording(props, Duration.ZERO, PeriodicPass.Spacing.AFTER_END);
        pass.start();
        try {
            Long first = pass.starts.poll(10, TimeUnit.SECONDS);
            Long second = pass.starts.poll(10, TimeUnit.SECONDS);

            assertThat(first).as("first pass within 10 s").isNotNull();
            assertThat(second).as("a pass after the failed one within 10 s").isNotNull();
            assertThat(pass.failures).singleElement().hasToString("java.lang.IllegalStateException: first pass fails");
            assertThat(Duration.ofNanos(second - first)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        finally {
            pass.stop();
        }
    }

    @Test
    void aPassAskedForRunsBeforeItsScheduledTime() throws InterruptedException {
        Props props = new Props(Duration.ofHours(1));
        props.setEnabled(true);
        Recording pass = new Recording(props, Duration.ofHours(1), PeriodicPass.Spacing.BETWEEN_STARTS);
        pass.start();
        try {
            assertThat(pass.starts.poll(300, TimeUnit.MILLISECONDS)).as("no pass before its time").isNull();

            pass.now();

            assertThat(pass.starts.poll(10, TimeUnit.SECONDS)).as("the pass asked for, within 10 s").isNotNull();
        }
        finally {
            pass.stop();
        }
        assertThat(pass.isRunning()).isFalse();
    }

    @Test
    void aDisabledPassStartsNoThread() {
        Recording pass = new Recording(new Props(Duration.ofMillis(10)), Duration.ZERO,
                PeriodicPass.Spacing.AFTER_END);

        pass.start();

        assertThat(pass.isRunning()).isFalse();
        assertThat(pass.starts).isEmpty();
    }
}
