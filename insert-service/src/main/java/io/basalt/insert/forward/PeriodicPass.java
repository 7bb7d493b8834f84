package io.basalt.insert.forward;

import io.basalt.insert.config.PeriodicPassProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A pass over the storage nodes that one insert node runs again and again on its own thread while its
 * {@code enabled} property is set (repair, rebalancing), started and stopped with the application. A pass that fails
 * is logged and handed to {@link #passFailed}; the next one runs on schedule, since the thread must outlive any
 * failure or the cluster would silently stop healing.
 */
public abstract class PeriodicPass implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicPass.class);

    /** What {@code interval} separates. */
    public enum Spacing {
        /** The starts of two passes: a long pass shortens the pause after it. */
        BETWEEN_STARTS,
        /** The end of a pass and the start of the next: the pause is always the whole interval. */
        AFTER_END
    }

    private final String name;

    private final PeriodicPassProperties props;

    private final Duration initialDelay;

    private final Spacing spacing;

    private final WorkerThread worker;

    private final Object wake = new Object();

    private volatile boolean wanted;

    protected PeriodicPass(String name, PeriodicPassProperties props, Duration initialDelay, Spacing spacing) {
        this.name = name;
        this.props = props;
        this.initialDelay = initialDelay;
        this.spacing = spacing;
        this.worker = new WorkerThread(name);
    }

    /** One pass; the thread's interrupt or a stop ends it with {@link InterruptedException}. */
    protected abstract void pass() throws InterruptedException;

    /** Records a pass' failure where the status shows it. */
    protected abstract void passFailed(Throwable failure);

    /** Starts the next pass now instead of at its scheduled time (or as soon as the running one ends). */
    protected void passNow() {
        synchronized (wake) {
            wanted = true;
            wake.notifyAll();
        }
    }

    @Override
    public void start() {
        if (props.isEnabled()) {
            worker.start(this::passForever);
        }
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.isRunning();
    }

    private void passForever() {
        long next = System.currentTimeMillis() + initialDelay.toMillis();
        while (worker.isCurrent()) {
            try {
                awaitPass(next);
                wanted = false;
                next = System.currentTimeMillis() + props.getInterval().toMillis();
                pass();
            }
            catch (InterruptedException e) {
                return;
            }
            catch (Throwable t) {
                log.error("{} pass failed; the next one retries", name, t);
                passFailed(t);
            }
            if (spacing == Spacing.AFTER_END) {
                next = System.currentTimeMillis() + props.getInterval().toMillis();
            }
        }
    }

    private void awaitPass(long next) throws InterruptedException {
        synchronized (wake) {
            while (!wanted && System.currentTimeMillis() < next) {
                wake.wait(Math.max(1, next - System.currentTimeMillis()));
            }
        }
    }
}
