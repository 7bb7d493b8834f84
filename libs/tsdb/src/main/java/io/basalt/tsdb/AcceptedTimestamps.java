package io.basalt.tsdb;

import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.wal.WalEntry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which samples an append stores: those between the retention cutoff and {@code futureRetention} ahead of the clock.
 * The others are dropped one by one and counted by reason; the rest of the append is stored (docs/storage.md,
 * "Accepted timestamps").
 */
final class AcceptedTimestamps {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    /** 9999-12-31T23:59:59.999Z: the newest timestamp whose partition still has a plain {@code yyyy_MM_dd} name. */
    static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    private static final long FUTURE_DROP_LOG_INTERVAL_MS = 10_000;

    private final Duration futureRetention;

    private final AtomicLong rowsDropped = new AtomicLong();

    private final AtomicLong rowsTooFarInFuture = new AtomicLong();

    /** A client with a broken clock sends future samples in every request; one log line per request would flood. */
    private final ThrottledReport futureDrops;

    AcceptedTimestamps(Duration futureRetention) {
        this.futureRetention = futureRetention;
        futureDrops = new ThrottledReport(FUTURE_DROP_LOG_INTERVAL_MS, System::currentTimeMillis,
                line -> LOG.log(Level.WARNING, line));
    }

    /**
     * The newest timestamp an append stores. Replay does not apply it: those samples were acknowledged, and the clock
     * may since have been set back.
     */
    long latestAccepted(long now) {
        long ahead = futureRetention.compareTo(Duration.ofMillis(MAX_TIMESTAMP)) >= 0
                ? MAX_TIMESTAMP : futureRetention.toMillis();
        return now > MAX_TIMESTAMP - ahead ? MAX_TIMESTAMP : now + ahead;
    }

    /**
     * The samples of series {@code i} in {@code [bounds[0], bounds[1]]} (retention cutoff, latest accepted), as a
     * range of the batch's columns when all are (the usual case); the others are counted as dropped, by reason. The
     * entry carries {@code id} and {@code labels} as given (placeholders for a series not registered yet).
     */
    WalEntry admissible(TenantId tenant, SeriesBatch batch, int i, int id, Labels labels, long[] bounds) {
        int from = batch.sampleStart(i);
        int to = batch.sampleEnd(i);
        long[] ts = batch.timestamps();
        boolean all = true;
        for (int k = from; k < to && all; k++) {
            all = ts[k] >= bounds[0] && ts[k] <= bounds[1];
        }
        if (all) {
            return new WalEntry(id, tenant, labels, ts, batch.values(), from, to - from);
        }
        TimeSeries kept = admissible(tenant, new TimeSeries(labels != null ? labels : batch.labels(i),
                Arrays.copyOfRange(ts, from, to), Arrays.copyOfRange(batch.values(), from, to)), bounds[0], bounds[1]);
        return new WalEntry(id, tenant, labels, kept.timestamps(), kept.values(), 0, kept.size());
    }

    /** The samples of {@code ts} in {@code [cutoff, latest]}; the others are counted as dropped, by reason. */
    TimeSeries admissible(TenantId tenant, TimeSeries ts, long cutoff, long latest) {
        int old = 0;
        int future = 0;
        long newest = Long.MIN_VALUE;
        for (long t : ts.timestamps()) {
            if (t < cutoff) {
                old++;
            }
            else if (t > latest) {
                future++;
                newest = Math.max(newest, t);
            }
        }
        if (old + future == 0) {
            return ts;
        }
        rowsDropped.addAndGet(old);
        if (future > 0) {
            rowsTooFarInFuture.addAndGet(future);
            long example = newest;
            futureDrops.record(future, count -> "dropped " + count + " samples stamped more than "
                    + futureRetention.toString().substring(2).toLowerCase(Locale.ROOT)
                    + " ahead of this node's clock (the other samples of those inserts are kept); latest: tenant "
                    + tenant + " series " + ts.labels() + " at " + Instant.ofEpochMilli(example)
                    + ", accepted up to " + Instant.ofEpochMilli(latest)
                    + "; check the sender's clock and timestamp unit");
        }
        int keep = ts.size() - old - future;
        long[] t = new long[keep];
        double[] v = new double[keep];
        int n = 0;
        for (int i = 0; i < ts.size(); i++) {
            long at = ts.timestamp(i);
            if (at >= cutoff && at <= latest) {
                t[n] = at;
                v[n++] = ts.value(i);
            }
        }
        return new TimeSeries(ts.labels(), t, v);
    }

    /** Samples dropped for being older than the retention period. */
    long droppedOutsideRetention() {
        return rowsDropped.get();
    }

    /** Samples dropped for being too far ahead of the clock. */
    long droppedTooFarInFuture() {
        return rowsTooFarInFuture.get();
    }
}
