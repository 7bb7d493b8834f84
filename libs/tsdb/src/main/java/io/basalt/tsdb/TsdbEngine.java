package io.basalt.tsdb;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.head.Head;
import io.basalt.tsdb.index.LabelIndex;
import io.basalt.tsdb.index.SeriesKey;
import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.SampleRun;
import io.basalt.tsdb.wal.WalEntry;
import io.basalt.tsdb.wal.WriteAheadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * The durable storage engine: a write-ahead log written before every acknowledgement, an in-memory head that makes
 * samples searchable at once, and immutable compressed parts per UTC day (per month when retention exceeds 31 days),
 * merged in the background. Open with
 * {@link #open(EngineConfig)}; on-disk formats are described in {@code libs/tsdb/FORMAT.md}.
 *
 * <p>This class keeps the write and read paths (append, flush, search, delete) and the background schedule; the
 * other concerns are its collaborators: {@link PartitionSet} (time partitions), {@link PartPublisher} (writing parts),
 * {@link PartMerger} (merges), {@link Retention}, {@link AcceptedTimestamps}, {@link DiskGuard} (read-only mode),
 * {@link Quarantine}, {@link Snapshots} and {@link WalCheckpoint}.
 */
public final class TsdbEngine implements DurableStorage {

    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private static final java.time.Duration MONTHLY_PARTITIONS_ABOVE = java.time.Duration.ofDays(31);

    private final EngineConfig config;

    private final SeriesRegistry registry = new SeriesRegistry();

    private final PartitionSet partitions;

    /** Appends hold it shared while logging and inserting; freezing heads and rotating the log hold it exclusively. */
    private final ReentrantReadWriteLock appendLock = new ReentrantReadWriteLock();

    private final ReentrantLock flushLock = new ReentrantLock();

    /**
     * Ids deleted while their samples may still be in a head (the delete's own flush failed): every flush leaves
     * them out until one succeeds, so a later flush cannot write a deleted series back. Guarded by flushLock.
     */
    private final RoaringBitmap deletedFromHeads = new RoaringBitmap();

    /** The last write-ahead log segment whose samples are all in parts (the checkpoint). */
    private volatile long logRetiredThrough;

    /** The segment being replayed while the engine opens. */
    private long replayingSegment;

    private final AtomicLong partSeq = new AtomicLong();

    private final AtomicLong rowsIngested = new AtomicLong();

    private final AtomicLong flushes = new AtomicLong();

    private final AtomicLong backgroundFailures = new AtomicLong();

    private final AcceptedTimestamps accepted;

    private final Retention retention;

    private final DiskGuard diskGuard;

    private final Quarantine quarantine;

    private final PartPublisher publisher;

    private final PartMerger merger;

    private final Tombstones tombstones;

    private final PartRewrites rewrites;

    /** Maintenance retries a failed rewrite every round; the log says so once a minute. */
    private final ThrottledReport rewriteFailures = new ThrottledReport(60_000, System::currentTimeMillis,
            line -> LOG.log(Level.WARNING, line));

    private final Snapshots snapshots;

    private final WalCheckpoint checkpoint;

    private final WriteAheadLog wal;

    private final ScheduledExecutorService background;

    private volatile long lastFlushNanos = System.nanoTime();

    private volatile boolean closed;

    private TsdbEngine(EngineConfig config) {
        this.config = config;
        Path data = config.dataPath();
        Path partitionsDir = data.resolve("partitions");
        Path walDir = data.resolve("wal");
        Path tmpDir = data.resolve("tmp");
        Path snapshotsDir = data.resolve("snapshots");
        partitions = new PartitionSet(partitionsDir, config.retention().compareTo(MONTHLY_PARTITIONS_ABOVE) > 0);
        accepted = new AcceptedTimestamps(config.futureRetention());
        retention = new Retention(config.retention(), config.clock(), partitions, registry, this::withWritesPaused);
        diskGuard = new DiskGuard(config);
        quarantine = new Quarantine(data.resolve("quarantine"));
        publisher = new PartPublisher(tmpDir, partitionsDir, registry, config.dedupInterval().toMillis(),
                retention::cutoff);
        merger = new PartMerger(publisher, quarantine, () -> closed);
        tombstones = Tombstones.load(data.resolve("tombstones"));
        rewrites = new PartRewrites(tombstones, publisher, registry);
        snapshots = new Snapshots(snapshotsDir, tmpDir, config.clock());
        checkpoint = new WalCheckpoint(walDir);
        long flushedSeq;
        try {
            Files.createDirectories(partitionsDir);
            Files.createDirectories(snapshotsDir);
            Directories.deleteRecursively(tmpDir);
            Files.createDirectories(tmpDir);
            // Parts written from now on must sort after every delete, or a tombstone would hide their samples.
            partSeq.set(Math.max(partitions.load(retention.cutoff(), registry, quarantine, tombstones),
                    tombstones.maxSeq()));
            flushedSeq = checkpoint.read();
            if (flushedSeq > 0 && Files.isDirectory(walDir)) {
                checkpoint.deleteCoveredSegments(flushedSeq);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open storage at " + data, e);
        }
        logRetiredThrough = flushedSeq;
        wal = WriteAheadLog.open(walDir, config.fsync().always(), config.walSegmentBytes(), flushedSeq,
                new WriteAheadLog.ReplaySink() {

                    @Override
                    public void segment(long seq) {
                        replayingSegment = seq;
                    }

                    @Override
                    public void accept(TenantId tenant, Labels labels, long[] ts, double[] vs) {
                        replay(tenant, labels, ts, vs);
                    }
                });
        diskGuard.refresh();
        finishDeletes();
        if (config.backgroundTasks()) {
            background = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "basalt-tsdb-" + data.getFileName());
                t.setDaemon(true);
                return t;
            });
            background.scheduleWithFixedDelay(new GuardedTask("maintenance (flush, merge, retention)",
                    this::maintain, backgroundFailures), 200, 200, TimeUnit.MILLISECONDS);
            if (!config.fsync().always()) {
                long every = config.fsync().interval().toMillis();
                background.scheduleWithFixedDelay(new GuardedTask("write-ahead log fsync", this::syncWal,
                        backgroundFailures), every, every, TimeUnit.MILLISECONDS);
            }
        }
        else {
            background = null;
        }
    }

    /** Opens (or creates) the engine at {@code config.dataPath()}, replaying the write-ahead log. */
    public static TsdbEngine open(EngineConfig config) {
        return new TsdbEngine(config);
    }

    @Override
    public EngineConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- writes

    /**
     * @throws ReadOnlyException when free disk space is below {@code minFreeDiskSpaceBytes}; nothing was stored
     */
    @Override
    public void append(TenantId tenant, List<TimeSeries> series) {
        append(tenant, SeriesBatch.of(series));
    }

    /**
     * Stores a batch. Series already known are found by their label bytes; only new ones are decoded, and all of them
     * before anything is logged, so a batch with an invalid label set stores nothing.
     *
     * @throws ReadOnlyException when free disk space is below {@code minFreeDiskSpaceBytes}; nothing was stored
     * @throws io.basalt.model.InvalidLabelsException when a new series' label set is invalid; nothing was stored
     */
    @Override
    public void append(TenantId tenant, SeriesBatch batch) {
        ensureOpen();
        diskGuard.checkWritable();
        long now = config.clock().millis();
        long[] bounds = { now - config.retention().toMillis(), accepted.latestAccepted(now) };
        int n = batch.size();
        long rows = 0;
        appendLock.readLock().lock();
        try {
            // Ids are resolved under the lock so a concurrent delete cannot split one label set over two ids.
            int[] ids = new int[n];
            Labels[] fresh = null;
            for (int i = 0; i < n; i++) {
                ids[i] = registry.find(tenant, batch.labelBuffer(), batch.labelOffset(i), batch.labelLength(i));
                if (ids[i] < 0) {
                    fresh = fresh == null ? new Labels[n] : fresh;
                    fresh[i] = batch.labels(i);
                }
            }
            List<WalEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // A known series' labels stay bytes: decoded only if the index or a refusal message needs them.
                Labels labels = fresh != null ? fresh[i] : null;
                WalEntry e = accepted.admissible(tenant, batch, i, ids[i], labels, bounds);
                if (e.length() == 0) {
                    continue;
                }
                if (e.seriesId() < 0) {
                    // new to this node, and it has samples to keep: registered only now, so a series whose samples
                    // are all refused never counts as active
                    int id = registry.idOf(new SeriesKey(tenant, labels));
                    e = new WalEntry(id, tenant, labels, e.timestamps(), e.values(), e.offset(), e.length());
                }
                entries.add(e);
                rows += e.length();
            }
            if (entries.isEmpty()) {
                return;
            }
            wal.append(entries, (id, out) -> {
                registry.writeLabelBytes(id, out);
                return true;
            });
            for (WalEntry e : entries) {
                insert(e.seriesId(), tenant, e.labels(), e.timestamps(), e.values(), e.offset(), e.length());
            }
        }
        finally {
            appendLock.readLock().unlock();
        }
        rowsIngested.addAndGet(rows);
    }

    private void replay(TenantId tenant, Labels labels, long[] ts, double[] vs) {
        if (tombstones.deletedInLog(new SeriesKey(tenant, labels), replayingSegment)) {
            return; // logged before the series was deleted (the delete's flush did not get to write it out)
        }
        TimeSeries kept = accepted.admissible(tenant, new TimeSeries(labels, ts, vs), retention.cutoff(),
                AcceptedTimestamps.MAX_TIMESTAMP);
        if (kept.size() > 0) {
            int id = registry.idOf(new SeriesKey(tenant, labels));
            insert(id, tenant, labels, kept.timestamps(), kept.values(), 0, kept.size());
        }
    }

    /** @param labels the series' labels, or null to decode them from the registry only if the index needs them */
    private void insert(int id, TenantId tenant, Labels labels, long[] ts, double[] vs, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            Partition p = partitions.covering(ts[i]);
            int j = i + 1;
            while (j < end && p.covers(ts[j])) {
                j++;
            }
            long firstDay = Long.MAX_VALUE;
            long lastDay = Long.MIN_VALUE;
            for (int k = i; k < j; k++) {
                long day = Math.floorDiv(ts[k], Partition.DAY_MS);
                firstDay = Math.min(firstDay, day);
                lastDay = Math.max(lastDay, day);
            }
            if (p.view().head().add(id, ts, vs, i, j - i, firstDay, lastDay)) {
                LabelIndex index = p.index(tenant);
                if (!index.covers(id, firstDay, lastDay)) {
                    index.add(id, labels != null ? labels : registry.keyOf(id).labels(), firstDay, lastDay);
                }
            }
            i = j;
        }
    }

    /** Writes every in-memory sample into parts and truncates the write-ahead log (the {@code force_flush} hook). */
    @Override
    public void flush() {
        ensureOpen();
        flush(new RoaringBitmap(), () -> { });
    }

    private void flush(RoaringBitmap excluded, Runnable whileAppendsBlocked) {
        flushLock.lock();
        try {
            long walSeq;
            appendLock.writeLock().lock();
            try {
                whileAppendsBlocked.run();
                for (Partition p : partitions.all()) {
                    p.freezeHead();
                }
                walSeq = wal.rotate();
            }
            finally {
                appendLock.writeLock().unlock();
            }
            RoaringBitmap skipped = RoaringBitmap.or(excluded, deletedFromHeads);
            for (Partition p : partitions.all()) {
                List<Head> frozen = p.view().frozen();
                if (!frozen.isEmpty()) {
                    p.replaceFrozen(frozen, writeHeads(p, frozen, skipped));
                }
            }
            // Every head that held a deleted series is now written without it; a deleted id gets no samples again.
            deletedFromHeads.andNot(skipped);
            checkpoint.write(walSeq);
            logRetiredThrough = walSeq;
            wal.deleteUpTo(walSeq);
            lastFlushNanos = System.nanoTime();
            flushes.incrementAndGet();
        }
        finally {
            flushLock.unlock();
        }
    }

    private Part writeHeads(Partition p, List<Head> heads, RoaringBitmap excluded) {
        RoaringBitmap ids = new RoaringBitmap();
        for (Head h : heads) {
            h.forEachId(ids::add);
        }
        ids.andNot(excluded);
        long seq = partSeq.incrementAndGet();
        return publisher.publish(p, seq, seq, ids, id -> {
            SampleRun run = SampleRun.EMPTY;
            for (Head h : heads) {
                run = SampleRun.merge(run, h.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
            }
            return run;
        });
    }

    /** Runs {@code action} with no append or flush in progress, and none starting until it is done. */
    private void withWritesPaused(Runnable action) {
        flushLock.lock();
        appendLock.writeLock().lock();
        try {
            action.run();
        }
        finally {
            appendLock.writeLock().unlock();
            flushLock.unlock();
        }
    }

    // ---------------------------------------------------------------- merges

    /** Merges each partition down to a single part (benchmarks and tests; background merges are incremental). */
    @Override
    public void forceMerge() {
        ensureOpen();
        merger.mergeAll(partitions.all());
    }

    // ---------------------------------------------------------------- reads

    @Override
    public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            Consumer<TimeSeries> sink) {
        search(tenant, matchers, minTime, maxTime, labels -> true, sink);
    }

    @Override
    public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            Predicate<Labels> wanted, Consumer<TimeSeries> sink) {
        ensureOpen();
        minTime = Math.max(minTime, retention.cutoff()); // month partitions outlive retention by up to a month
        List<Partition> ps = partitions.overlapping(minTime, maxTime);
        List<Partition.View> views = new ArrayList<>(ps.size());
        List<RoaringBitmap> selected = new ArrayList<>(ps.size());
        RoaringBitmap all = new RoaringBitmap();
        for (Partition p : ps) {
            views.add(p.acquire());
            LabelIndex index = p.existingIndex(tenant);
            RoaringBitmap ids = index == null ? new RoaringBitmap() : index.select(matchers,
                    Partition.dayOf(minTime), Partition.dayOf(maxTime));
            selected.add(ids);
            all.or(ids);
        }
        long dedup = config.dedupInterval().toMillis();
        try {
            for (int id : registry.inKeyOrder(all)) {
                Labels labels = registry.keyOf(id).labels();
                if (!wanted.test(labels)) {
                    continue;
                }
                SampleRun run = SampleRun.EMPTY;
                for (int i = 0; i < ps.size(); i++) {
                    if (!selected.get(i).contains(id)) {
                        continue;
                    }
                    Partition p = ps.get(i);
                    SampleRun part = Partition.read(views.get(i), id, Math.max(minTime, p.minTime()),
                            Math.min(maxTime, p.maxTime()), corrupt -> quarantine.moveAside(p, corrupt, null));
                    run = SampleRun.merge(run, part);
                }
                run = run.deduplicate(dedup);
                if (run.size() > 0) {
                    sink.accept(new TimeSeries(labels, trim(run.timestamps(), run.size()),
                            trim(run.values(), run.size())));
                }
            }
        }
        finally {
            views.forEach(Partition::release);
        }
    }

    private static long[] trim(long[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static double[] trim(double[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    /** Series indexed on any UTC day touching the range (day granularity, as VictoriaMetrics' per-day index). */
    private int[] indexedIds(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        RoaringBitmap all = new RoaringBitmap();
        for (Partition p : partitions.overlapping(minTime, maxTime)) {
            LabelIndex index = p.existingIndex(tenant);
            if (index != null) {
                all.or(index.select(matchers, Partition.dayOf(minTime), Partition.dayOf(maxTime)));
            }
        }
        return registry.inKeyOrder(all);
    }

    @Override
    public Set<TenantId> tenants(long minTime, long maxTime) {
        ensureOpen();
        Set<TenantId> out = new TreeSet<>();
        for (Partition p : partitions.overlapping(minTime, maxTime)) {
            out.addAll(p.tenants());
        }
        return out;
    }

    /** Label sets of matching series indexed on a day touching the range (no sample read). */
    @Override
    public List<Labels> series(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        ensureOpen();
        int[] ids = indexedIds(tenant, matchers, minTime, maxTime);
        List<Labels> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(registry.keyOf(id).labels());
        }
        return out;
    }

    @Override
    public List<String> labelNames(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        TreeSet<String> names = new TreeSet<>();
        for (Labels l : series(tenant, matchers, minTime, maxTime)) {
            l.forEach((n, v) -> names.add(n));
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(TenantId tenant, String name, List<LabelMatcher> matchers, long minTime,
            long maxTime) {
        TreeSet<String> values = new TreeSet<>();
        for (Labels l : series(tenant, matchers, minTime, maxTime)) {
            if (l.has(name)) {
                values.add(l.get(name));
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public long seriesCount() {
        return registry.size();
    }

    @Override
    public long samplesAppended() {
        return rowsIngested.get();
    }

    /** Top-{@code topN} series counts of {@code tenant} over days touching the range ({@code /api/v1/status/tsdb}). */
    @Override
    public CardinalityStats cardinality(TenantId tenant, long minTime, long maxTime, int topN) {
        return CardinalityStats.of(series(tenant, List.of(), minTime, maxTime), topN);
    }

    // ---------------------------------------------------------------- deletes

    /**
     * Deletes every series of {@code tenant} matching all {@code matchers}, durably: the delete is recorded in the
     * tombstones file first, the series vanish from searches at once, and parts holding them are rewritten before
     * this returns. A rewrite that fails leaves the delete in force (also after a restart) and is retried by
     * maintenance. Samples appended later start a new series.
     *
     * @return how many series were deleted
     */
    @Override
    public int deleteSeries(TenantId tenant, List<LabelMatcher> matchers) {
        ensureOpen();
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("deleteSeries needs at least one matcher");
        }
        int deleted = delete(tenant, ids -> {
            for (Partition p : partitions.all()) {
                LabelIndex index = p.existingIndex(tenant);
                if (index != null) {
                    ids.or(index.select(matchers));
                }
            }
            return true;
        });
        if (deleted > 0) {
            LOG.log(Level.INFO, "deleted " + deleted + " series of tenant " + tenant + " matching " + matchers);
        }
        return deleted;
    }

    @Override
    public int deleteSeriesIfUnchanged(TenantId tenant, Collection<Labels> series, BooleanSupplier unchanged) {
        ensureOpen();
        int deleted = delete(tenant, ids -> {
            for (Labels labels : series) {
                List<LabelMatcher> exact = new ArrayList<>(labels.size());
                labels.forEach((name, value) -> exact.add(LabelMatcher.equal(name, value)));
                for (Partition p : partitions.all()) {
                    LabelIndex index = p.existingIndex(tenant);
                    if (index == null) {
                        continue;
                    }
                    // Equality matchers also match series with more labels; only the exact label set goes.
                    for (int id : index.select(exact)) {
                        if (registry.keyOf(id).labels().equals(labels)) {
                            ids.add(id);
                        }
                    }
                }
            }
            return unchanged.getAsBoolean();
        });
        if (deleted > 0) {
            LOG.log(Level.INFO, "deleted " + deleted + " series of tenant " + tenant + " moved to other nodes");
        }
        return deleted;
    }

    /**
     * Deletes the series {@code select} adds to its bitmap, which it does while appends are blocked; when it answers
     * false nothing is deleted and the answer is -1.
     */
    private int delete(TenantId tenant, Predicate<RoaringBitmap> select) {
        diskGuard.checkWritable();
        RoaringBitmap ids = new RoaringBitmap();
        boolean[] refused = new boolean[1];
        flush(ids, () -> {
            if (!select.test(ids)) {
                refused[0] = true;
                ids.clear();
            }
            if (ids.isEmpty()) {
                return;
            }
            // Parts written so far are numbered up to partSeq; the flush that follows writes the next one without
            // these series.
            rewrites.delete(ids, partSeq.get(), wal.currentSegment(), partitions.all());
            for (int id : ids) {
                registry.retire(registry.keyOf(id), id);
            }
            deletedFromHeads.or(ids);
            for (Partition p : partitions.all()) {
                LabelIndex index = p.existingIndex(tenant);
                if (index != null) {
                    index.remove(ids, id -> registry.keyOf(id).labels());
                }
            }
        });
        if (refused[0]) {
            return -1;
        }
        if (ids.isEmpty()) {
            return 0;
        }
        finishDeletes();
        return ids.getCardinality();
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Flushes the head and hard-links every part into {@code snapshots/<name>/}, whose layout is that of a data path:
     * copying it to an empty directory and opening that directory restores the data.
     *
     * @return the snapshot's name
     */
    @Override
    public String snapshotCreate() {
        ensureOpen();
        flush();
        return snapshots.create(partitions.all(), config.dataPath().resolve("tombstones"));
    }

    @Override
    public List<String> snapshotList() {
        return snapshots.list();
    }

    /** The directory of snapshot {@code name}, for backup tools to copy. */
    @Override
    public Path snapshotPath(String name) {
        return snapshots.path(name);
    }

    /** @return false when no such snapshot exists */
    @Override
    public boolean snapshotDelete(String name) {
        return snapshots.delete(name);
    }

    /** Copies snapshot directory {@code snapshot} into the empty or missing {@code dataPath}, ready to open. */
    public static void restoreSnapshot(Path snapshot, Path dataPath) {
        Snapshots.restore(snapshot, dataPath);
    }

    // ---------------------------------------------------------------- status and maintenance

    @Override
    public EngineStatus status() {
        long partsBytes = 0;
        int parts = 0;
        long head = 0;
        for (Partition p : partitions.all()) {
            Partition.View v = p.view();
            for (Part part : v.parts()) {
                partsBytes += part.sizeBytes();
                parts++;
            }
            head += v.head().samples();
            for (Head h : v.frozen()) {
                head += h.samples();
            }
        }
        long walBytes = wal.sizeBytes();
        String reason = diskGuard.readOnlyReason();
        return new EngineStatus(partsBytes + walBytes, rowsIngested.get(), accepted.droppedOutsideRetention(),
                accepted.droppedTooFarInFuture(), registry.size(), head, partitions.size(), parts, merger.total(),
                flushes.get(), walBytes, wal.corruptionsTotal(), reason != null, reason, quarantine.total(),
                backgroundFailures.get());
    }

    /** Whether appends are currently refused; see {@link EngineStatus#readOnlyReason()}. */
    @Override
    public boolean isReadOnly() {
        return diskGuard.isReadOnly();
    }

    /** One round of background work; public so tests without background threads can drive it. */
    public void runMaintenance() {
        ensureOpen();
        diskGuard.refresh();
        retention.enforce();
        long headSamples = 0;
        for (Partition p : partitions.all()) {
            headSamples += p.view().head().samples();
        }
        if (headSamples > 0 && (headSamples >= config.maxHeadSamples()
                || System.nanoTime() - lastFlushNanos >= config.headFlushInterval().toNanos())) {
            flush();
        }
        if (diskGuard.isReadOnly()) {
            return; // merges need scratch space; VictoriaMetrics stops them too
        }
        finishDeletes();
        merger.mergeDue(partitions.all(), config.clock().millis());
    }

    /** Rewrites the parts that still hold deleted series; a failure is logged and counted, the delete holds. */
    private void finishDeletes() {
        if (!rewrites.pending()) {
            return;
        }
        try {
            rewrites.rewrite(partitions.all(), logRetiredThrough);
        }
        catch (RuntimeException e) {
            backgroundFailures.incrementAndGet();
            rewriteFailures.record(1, n -> "cannot rewrite parts holding deleted series (" + n + " attempts failed): "
                    + e + "; the series stay deleted, also after a restart, and the rewrite is retried");
        }
    }

    private void maintain() {
        if (!closed) {
            runMaintenance();
        }
    }

    private void syncWal() {
        if (!closed) {
            wal.sync();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        Directories.deleteRecursively(dir);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine at " + config.dataPath() + " is closed");
        }
    }

    /** Stops background work, flushes the head into parts and closes the log. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (background != null) {
            background.shutdown();
            try {
                background.awaitTermination(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            flush();
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "final flush failed; the write-ahead log keeps the samples", e);
        }
        closed = true;
        wal.close();
        partitions.all().forEach(Partition::retireAll);
    }
}
