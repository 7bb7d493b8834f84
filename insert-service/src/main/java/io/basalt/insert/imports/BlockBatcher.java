package io.basalt.insert.imports;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Turns a stream of decoded samples into blocks of at most {@code maxSamplesPerBlock} samples (samples of one series
 * within a block become one series) and stores each block while the parser reads the next. At most
 * {@link #IN_FLIGHT} blocks are pending, so an import of any length holds a bounded number of samples in memory; the
 * parsing thread waits when storage is slower than parsing.
 *
 * <p>Used from one blocking thread; the store callbacks may complete on any thread.
 */
public final class BlockBatcher implements SampleSink {

    /** One block being stored while the next is filled. */
    static final int IN_FLIGHT = 2;

    private final int maxSamplesPerBlock;

    private final Function<List<TimeSeries>, Mono<Void>> store;

    private final Duration maxWait;

    private final Semaphore slots = new Semaphore(IN_FLIGHT);

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Map<Labels, Run> block = new LinkedHashMap<>();

    private int samplesInBlock;

    private long samplesStored;

    /**
     * @param store   stores one block; its failure stops the import and is rethrown by the next call
     * @param maxWait longest wait for a pending block before the import fails
     */
    public BlockBatcher(int maxSamplesPerBlock, Function<List<TimeSeries>, Mono<Void>> store, Duration maxWait) {
        this.maxSamplesPerBlock = maxSamplesPerBlock;
        this.store = store;
        this.maxWait = maxWait;
    }

    @Override
    public void sample(Labels labels, long timestampMillis, double value) {
        block.computeIfAbsent(labels, l -> new Run()).add(timestampMillis, value);
        if (++samplesInBlock >= maxSamplesPerBlock) {
            flush();
        }
    }

    /** Stores what is buffered and waits until every block is stored; rethrows the first failure. */
    public long finish() {
        flush();
        acquire(IN_FLIGHT);
        slots.release(IN_FLIGHT);
        rethrow();
        return samplesStored;
    }

    /** Samples handed to storage so far, including blocks still pending. */
    public long samplesSubmitted() {
        return samplesStored;
    }

    private void flush() {
        rethrow();
        if (block.isEmpty()) {
            return;
        }
        List<TimeSeries> series = new ArrayList<>(block.size());
        block.forEach((labels, run) -> series.add(run.toSeries(labels)));
        samplesStored += samplesInBlock;
        block = new LinkedHashMap<>();
        samplesInBlock = 0;
        acquire(1);
        rethrow();
        store.apply(series).subscribe(v -> { }, e -> {
            failure.compareAndSet(null, e);
            slots.release();
        }, slots::release);
    }

    private void acquire(int permits) {
        try {
            if (!slots.tryAcquire(permits, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                failure.compareAndSet(null, new IllegalStateException("storing an import block took longer than "
                        + maxWait));
                throw asRuntime(failure.get());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted", e);
        }
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw asRuntime(t);
        }
    }

    private static RuntimeException asRuntime(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /** The samples of one series within a block, in arrival order until {@link #toSeries} sorts them. */
    private static final class Run {

        private long[] timestamps = new long[2];

        private double[] values = new double[2];

        private int size;

        private boolean sorted = true;

        void add(long t, double v) {
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            if (size > 0 && t < timestamps[size - 1]) {
                sorted = false;
            }
            timestamps[size] = t;
            values[size++] = v;
        }

        TimeSeries toSeries(Labels labels) {
            long[] ts = Arrays.copyOf(timestamps, size);
            double[] vs = Arrays.copyOf(values, size);
            if (!sorted) {
                sortByTime(ts, vs);
            }
            return new TimeSeries(labels, ts, vs);
        }

        private static void sortByTime(long[] ts, double[] vs) {
            Integer[] order = new Integer[ts.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // Stable, so the later of two samples with one timestamp stays later.
            Arrays.sort(order, (a, b) -> Long.compare(ts[a], ts[b]));
            long[] t2 = new long[ts.length];
            double[] v2 = new double[vs.length];
            for (int i = 0; i < order.length; i++) {
                t2[i] = ts[order[i]];
                v2[i] = vs[order[i]];
            }
            System.arraycopy(t2, 0, ts, 0, ts.length);
            System.arraycopy(v2, 0, vs, 0, vs.length);
        }
    }
}
