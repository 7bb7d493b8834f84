package io.basalt.insert.forward;

/**
 * The one daemon thread of a background task of an insert node (handoff delivery, repair, rebalancing), started and
 * stopped with the application. The task's loop goes on while {@link #isCurrent()} holds, so a stop ends it at its
 * next check even if the interrupt was swallowed.
 */
public final class WorkerThread {

    private final String name;

    private volatile Thread thread;

    public WorkerThread(String name) {
        this.name = name;
    }

    public void start(Runnable loop) {
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Whether the calling thread is the running worker: its loop should go on. */
    public boolean isCurrent() {
        return thread == Thread.currentThread();
    }

    public boolean isRunning() {
        return thread != null;
    }

    public void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
    }
}
