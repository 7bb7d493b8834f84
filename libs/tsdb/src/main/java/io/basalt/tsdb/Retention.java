package io.basalt.tsdb;

import io.basalt.tsdb.index.LabelIndex;
import io.basalt.tsdb.index.SeriesRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.roaringbitmap.RoaringBitmap;

/**
 * The retention period: the cutoff before which samples no longer count, and dropping whole partitions once their
 * last millisecond is older than it, together with the series left in none.
 */
final class Retention {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private final Duration period;

    private final Clock clock;

    private final PartitionSet partitions;

    private final SeriesRegistry registry;

    /** Runs its argument while no append or flush is in progress. */
    private final Consumer<Runnable> withWritesPaused;

    Retention(Duration period, Clock clock, PartitionSet partitions, SeriesRegistry registry,
            Consumer<Runnable> withWritesPaused) {
        this.period = period;
        this.clock = clock;
        this.partitions = partitions;
        this.registry = registry;
        this.withWritesPaused = withWritesPaused;
    }

    /** The oldest timestamp retention still keeps. */
    long cutoff() {
        return clock.millis() - period.toMillis();
    }

    /** Drops every partition wholly older than the cutoff, then forgets the series that were only in those. */
    void enforce() {
        long cutoff = cutoff();
        boolean dropped = false;
        for (Partition p : partitions.all()) {
            if (p.maxTime() < cutoff) {
                dropped = true;
                p.maintenance.lock();
                try {
                    partitions.remove(p);
                    p.retireAll();
                    Directories.deleteRecursively(p.dir);
                    LOG.log(Level.INFO, "dropped partition " + p.dir.getFileName() + ": older than retention "
                            + period);
                }
                catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot delete expired partition " + p.dir, e);
                }
                finally {
                    p.maintenance.unlock();
                }
            }
        }
        if (dropped) {
            forgetExpiredSeries();
        }
    }

    /** Series left in no partition stop counting as active; appends are paused so none is re-added meanwhile. */
    private void forgetExpiredSeries() {
        withWritesPaused.accept(() -> {
            RoaringBitmap live = new RoaringBitmap();
            for (Partition p : partitions.all()) {
                for (LabelIndex index : p.allIndexes()) {
                    live.or(index.select(List.of()));
                }
            }
            registry.retainOnly(live);
        });
    }
}
