package io.basalt.tsdb;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.head.Head;
import io.basalt.tsdb.index.LabelIndex;
import io.basalt.tsdb.index.SeriesKey;
import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.PartWriter;
import io.basalt.tsdb.part.SampleRun;
import io.basalt.tsdb.wal.WalEntry;
import io.basalt.tsdb.wal.WriteAheadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.roaringbitmap.RoaringBitmap;

/**
 * The durable storage engine: a write-ahead log written before every acknowledgement, an in-memory head that makes
 * samples searchable at once, and immutable compressed parts per UTC day (per month when retention exceeds 31 days),
 * merged in the background. Open with
 * {@link #open(EngineConfig)}; on-disk formats are described in {@code libs/tsdb/FORMAT.md}.
 */
public final class TsdbEngine implements Storage {

    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private static final Pattern PART_NAME = Pattern.compile("(\\d{16})-(\\d{16})\\.part");

    private static final Pattern SNAPSHOT_NAME = Pattern.compile("\\d{14}-[0-9a-f]{8}");

    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
        .withZone(ZoneOffset.UTC);

    /** Merge a run of parts once it is at least this many times bigger than its largest member. */
    private static final double MERGE_RATIO = 3.0;

    private static final int MAX_MERGE_PARTS = 15;

    private static final java.time.Duration MONTHLY_PARTITIONS_ABOVE = java.time.Duration.ofDays(31);

    /** 9999-12-31T23:59:59.999Z: the newest timestamp whose partition still has a plain {@code yyyy_MM_dd} name. */
    private static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    private static final long FUTURE_DROP_LOG_INTERVAL_MS = 10_000;

    /** Keep merged parts well under the 2 GiB a single mapping can address. */
    private static final long MAX_PART_BYTES = 1L << 30;

    private final EngineConfig config;

    private final Path partitionsDir;

    private final Path walDir;

    private final Path tmpDir;

    private final Path quarantineDir;

    private final Path snapshotsDir;

    private final SeriesRegistry registry = new SeriesRegistry();

    private final ConcurrentSkipListMap<Long, Partition> partitions = new ConcurrentSkipListMap<>();

    /** Appends hold it shared while logging and inserting; freezing heads and rotating the log hold it exclusively. */
    private final ReentrantReadWriteLock appendLock = new ReentrantReadWriteLock();

    private final ReentrantLock flushLock = new ReentrantLock();

    private final AtomicLong partSeq = new AtomicLong();

    private final AtomicLong snapshotSeq = new AtomicLong();

    private final AtomicLong rowsIngested = new AtomicLong();

    private final AtomicLong rowsDropped = new AtomicLong();

    private final AtomicLong rowsTooFarInFuture = new AtomicLong();

    /** A client with a broken clock sends future samples in every request; one log line per request would flood. */
    private final ThrottledReport futureDrops;

    private final AtomicLong merges = new AtomicLong();

    private final AtomicLong flushes = new AtomicLong();

    private final AtomicLong quarantined = new AtomicLong();

    private final AtomicLong backgroundFailures = new AtomicLong();

    /** The partition the latest append went to, checked first. */
    private volatile Partition lastPartition;

    private final WriteAheadLog wal;

    /**
     * Month partitions for long retention keep the per-partition indexes few; day partitions let short retention
     * drop data promptly.
     */
    private final boolean monthlyPartitions;

    private final ScheduledExecutorService background;

    private volatile String readOnlyReason;

    private volatile long nextFreeSpaceCheck = Long.MIN_VALUE;

    private volatile long lastFlushNanos = System.nanoTime();

    private volatile boolean closed;

    private TsdbEngine(EngineConfig config) {
        this.config = config;
        Path data = config.dataPath();
        partitionsDir = data.resolve("partitions");
        walDir = data.resolve("wal");
        tmpDir = data.resolve("tmp");
        quarantineDir = data.resolve("quarantine");
        snapshotsDir = data.resolve("snapshots");
        monthlyPartitions = config.retention().compareTo(MONTHLY_PARTITIONS_ABOVE) > 0;
        futureDrops = new ThrottledReport(FUTURE_DROP_LOG_INTERVAL_MS, System::currentTimeMillis,
                line -> LOG.log(Level.WARNING, line));
        long flushedSeq;
        try {
            Files.createDirectories(partitionsDir);
            Files.createDirectories(snapshotsDir);
            deleteRecursively(tmpDir);
            Files.createDirectories(tmpDir);
            loadPartitions();
            flushedSeq = readCheckpoint();
            if (flushedSeq > 0 && Files.isDirectory(walDir)) {
                new WalCleaner(walDir).deleteUpTo(flushedSeq);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open storage at " + data, e);
        }
        wal = WriteAheadLog.open(walDir, config.fsync().always(), config.walSegmentBytes(), flushedSeq,
                this::replay);
        refreshFreeSpace();
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
        checkWritable();
        long now = config.clock().millis();
        long[] bounds = { now - config.retention().toMillis(), latestAccepted(now) };
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
                Labels labels = fresh != null && fresh[i] != null ? fresh[i] : null;
                WalEntry e = admissible(tenant, batch, i, labels, bounds);
                if (e.length() == 0) {
                    continue;
                }
                int id = labels == null ? ids[i] : registry.idOf(new SeriesKey(tenant, labels));
                entries.add(new WalEntry(id, tenant, registry.keyOf(id).labels(), e.timestamps(), e.values(),
                        e.offset(), e.length()));
                rows += e.length();
            }
            if (entries.isEmpty()) {
                return;
            }
            wal.append(entries);
            for (WalEntry e : entries) {
                insert(e.seriesId(), tenant, e.labels(), e.timestamps(), e.values(), e.offset(), e.length());
            }
        }
        finally {
            appendLock.readLock().unlock();
        }
        rowsIngested.addAndGet(rows);
    }

    /**
     * The samples of series {@code i} in {@code [bounds[0], bounds[1]]} (retention cutoff, latest accepted), as a
     * range of the batch's columns when all are (the usual case); the others are counted as dropped, by reason. The
     * entry's id and labels are placeholders.
     */
    private WalEntry admissible(TenantId tenant, SeriesBatch batch, int i, Labels labels, long[] bounds) {
        int from = batch.sampleStart(i);
        int to = batch.sampleEnd(i);
        long[] ts = batch.timestamps();
        boolean all = true;
        for (int k = from; k < to && all; k++) {
            all = ts[k] >= bounds[0] && ts[k] <= bounds[1];
        }
        if (all) {
            return new WalEntry(-1, tenant, labels, ts, batch.values(), from, to - from);
        }
        TimeSeries kept = admissible(tenant, new TimeSeries(labels != null ? labels : batch.labels(i),
                Arrays.copyOfRange(ts, from, to), Arrays.copyOfRange(batch.values(), from, to)), bounds[0], bounds[1]);
        return new WalEntry(-1, tenant, labels, kept.timestamps(), kept.values(), 0, kept.size());
    }

    /**
     * The newest timestamp an append stores. Replay does not apply it: those samples were acknowledged, and the clock
     * may since have been set back.
     */
    private long latestAccepted(long now) {
        long ahead = config.futureRetention().compareTo(java.time.Duration.ofMillis(MAX_TIMESTAMP)) >= 0
                ? MAX_TIMESTAMP : config.futureRetention().toMillis();
        return now > MAX_TIMESTAMP - ahead ? MAX_TIMESTAMP : now + ahead;
    }

    /** The samples of {@code ts} in {@code [cutoff, latest]}; the others are counted as dropped, by reason. */
    private TimeSeries admissible(TenantId tenant, TimeSeries ts, long cutoff, long latest) {
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
                    + config.futureRetention().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + " ahead of this node's clock (the other samples of those inserts are kept); latest: tenant "
                    + tenant + " series " + ts.labels() + " at " + java.time.Instant.ofEpochMilli(example)
                    + ", accepted up to " + java.time.Instant.ofEpochMilli(latest)
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

    private void replay(TenantId tenant, Labels labels, long[] ts, double[] vs) {
        TimeSeries kept = admissible(tenant, new TimeSeries(labels, ts, vs), retentionCutoff(), MAX_TIMESTAMP);
        if (kept.size() > 0) {
            int id = registry.idOf(new SeriesKey(tenant, labels));
            insert(id, tenant, labels, kept.timestamps(), kept.values(), 0, kept.size());
        }
    }

    private void insert(int id, TenantId tenant, Labels labels, long[] ts, double[] vs, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            Partition p = partitionFor(ts[i]);
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
                    index.add(id, labels, firstDay, lastDay);
                }
            }
            i = j;
        }
    }

    private Partition partitionFor(long timestamp) {
        Partition last = lastPartition;
        if (last != null && last.covers(timestamp)) {
            // Nearly every sample lands in the partition of the one before it. One that retention has just dropped
            // only ever covers samples older than the retention period, which expire with it either way.
            return last;
        }
        var e = partitions.floorEntry(timestamp);
        if (e != null && e.getValue().covers(timestamp)) {
            lastPartition = e.getValue();
            return e.getValue();
        }
        synchronized (partitions) {
            e = partitions.floorEntry(timestamp);
            if (e != null && e.getValue().covers(timestamp)) {
                return e.getValue();
            }
            Partition p = Partition.covering(timestamp, monthlyPartitions, partitionsDir);
            if (overlapsExisting(p)) {
                // Retention changed between runs: a day never straddles an existing month or day partition.
                p = Partition.covering(timestamp, false, partitionsDir);
            }
            partitions.put(p.start, p);
            return p;
        }
    }

    private boolean overlapsExisting(Partition p) {
        var before = partitions.floorEntry(p.maxTime());
        return before != null && before.getValue().end > p.start;
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
                for (Partition p : partitions.values()) {
                    p.freezeHead();
                }
                walSeq = wal.rotate();
            }
            finally {
                appendLock.writeLock().unlock();
            }
            for (Partition p : partitions.values()) {
                List<Head> frozen = p.view().frozen();
                if (!frozen.isEmpty()) {
                    p.replaceFrozen(frozen, writeHeads(p, frozen, excluded));
                }
            }
            writeCheckpoint(walSeq);
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
        return writePart(p, seq, seq, sortedByKey(ids), id -> {
            SampleRun run = SampleRun.EMPTY;
            for (Head h : heads) {
                run = SampleRun.merge(run, h.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
            }
            return run;
        });
    }

    private Part writePart(Partition p, long minSeq, long maxSeq, int[] ids,
            java.util.function.IntFunction<SampleRun> samples) {
        String name = String.format("%016d-%016d.part", minSeq, maxSeq);
        Path tmp = tmpDir.resolve(p.dir.getFileName() + "-" + name);
        long dedup = config.dedupInterval().toMillis();
        long cutoff = retentionCutoff(); // merges drop what retention no longer covers
        long rows;
        try (PartWriter writer = new PartWriter(tmp, minSeq, maxSeq)) {
            for (int id : ids) {
                writer.add(registry.keyOf(id), samples.apply(id).window(cutoff, Long.MAX_VALUE).deduplicate(dedup));
            }
            rows = writer.rows();
            writer.finish();
        }
        catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            if (rows == 0) {
                Files.delete(tmp);
                Files.deleteIfExists(p.dir.resolve(name));
                return null;
            }
            boolean created = !Files.isDirectory(p.dir);
            Files.createDirectories(p.dir);
            if (created) {
                fsyncDir(partitionsDir);
            }
            Path target = p.dir.resolve(name);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir(p.dir);
            return Part.open(target, registry::idOf);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot publish part " + name + " in " + p.dir, e);
        }
    }

    private int[] sortedByKey(RoaringBitmap ids) {
        Integer[] boxed = Arrays.stream(ids.toArray()).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparing(registry::keyOf));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- merges

    /** Merges each partition down to a single part (benchmarks and tests; background merges are incremental). */
    public void forceMerge() {
        ensureOpen();
        for (Partition p : partitions.values()) {
            while (p.view().parts().size() > 1 && mergeOnce(p, true)) {
                // each round merges up to MAX_MERGE_PARTS parts
            }
        }
    }

    private boolean mergeOnce(Partition p, boolean all) {
        p.maintenance.lock();
        try {
            List<Part> window = chooseWindow(p.view().parts(), all);
            if (window == null || closed || !retainAll(window)) {
                return false;
            }
            try {
                return merge(p, window);
            }
            finally {
                window.forEach(Part::release);
            }
        }
        finally {
            p.maintenance.unlock();
        }
    }

    private static boolean retainAll(List<Part> parts) {
        for (int i = 0; i < parts.size(); i++) {
            if (!parts.get(i).retain()) {
                parts.subList(0, i).forEach(Part::release);
                return false;
            }
        }
        return true;
    }

    private boolean merge(Partition p, List<Part> window) {
        Part out;
        try {
            out = writePart(p, window.get(0).minSeq(), window.get(window.size() - 1).maxSeq(),
                    sortedByKey(idsOf(window)), id -> {
                        SampleRun run = SampleRun.EMPTY;
                        for (Part part : window) {
                            run = SampleRun.merge(run, part.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
                        }
                        return run;
                    });
        }
        catch (CorruptDataException e) {
            quarantineCorrupt(p, window, e);
            return false;
        }
        p.replaceParts(window, out);
        for (Part in : window) {
            if (out == null || !in.file().equals(out.file())) {
                deleteQuietly(in.file());
            }
        }
        merges.incrementAndGet();
        return true;
    }

    /**
     * A run of parts adjacent in sequence order (so last-write-wins stays decidable by sequence) whose total is at
     * least {@link #MERGE_RATIO} times its largest member; each byte is then rewritten about log3(N) times.
     */
    private static List<Part> chooseWindow(List<Part> parts, boolean all) {
        if (parts.size() < 2) {
            return null;
        }
        List<Part> best = null;
        double bestRatio = 0;
        for (int from = 0; from < parts.size(); from++) {
            long sum = 0;
            long max = 0;
            for (int to = from; to < parts.size() && to - from < MAX_MERGE_PARTS; to++) {
                long size = parts.get(to).sizeBytes();
                if (sum + size > MAX_PART_BYTES) {
                    break;
                }
                sum += size;
                max = Math.max(max, size);
                double ratio = (double) sum / Math.max(1, max);
                if (to > from && (ratio > bestRatio || (all && to - from + 1 > (best == null ? 0 : best.size())))) {
                    bestRatio = ratio;
                    best = parts.subList(from, to + 1);
                }
            }
        }
        return best != null && (all || bestRatio >= MERGE_RATIO) ? List.copyOf(best) : null;
    }

    private static RoaringBitmap idsOf(List<Part> parts) {
        RoaringBitmap ids = new RoaringBitmap();
        for (Part p : parts) {
            ids.add(p.ids());
        }
        return ids;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            Consumer<TimeSeries> sink) {
        ensureOpen();
        minTime = Math.max(minTime, retentionCutoff()); // month partitions outlive retention by up to a month
        List<Partition> ps = overlapping(minTime, maxTime);
        List<Partition.View> views = new ArrayList<>(ps.size());
        List<RoaringBitmap> selected = new ArrayList<>(ps.size());
        RoaringBitmap all = new RoaringBitmap();
        for (Partition p : ps) {
            views.add(p.acquire());
            LabelIndex index = p.existingIndex(tenant);
            RoaringBitmap ids = index == null ? new RoaringBitmap() : index.select(matchers, dayOf(minTime),
                    dayOf(maxTime));
            selected.add(ids);
            all.or(ids);
        }
        long dedup = config.dedupInterval().toMillis();
        try {
            for (int id : sortedByKey(all)) {
                SampleRun run = SampleRun.EMPTY;
                for (int i = 0; i < ps.size(); i++) {
                    if (!selected.get(i).contains(id)) {
                        continue;
                    }
                    Partition p = ps.get(i);
                    SampleRun part = Partition.read(views.get(i), id, Math.max(minTime, p.minTime()),
                            Math.min(maxTime, p.maxTime()), corrupt -> quarantine(p, corrupt, null));
                    run = SampleRun.merge(run, part);
                }
                run = run.deduplicate(dedup);
                if (run.size() > 0) {
                    sink.accept(new TimeSeries(registry.keyOf(id).labels(), trim(run.timestamps(), run.size()),
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

    private List<Partition> overlapping(long minTime, long maxTime) {
        if (minTime > maxTime) {
            return List.of();
        }
        List<Partition> out = new ArrayList<>();
        for (Partition p : partitions.headMap(maxTime, true).values()) {
            if (p.end > minTime) {
                out.add(p);
            }
        }
        return out;
    }

    /** Series indexed on any UTC day touching the range (day granularity, as VictoriaMetrics' per-day index). */
    private int[] indexedIds(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        RoaringBitmap all = new RoaringBitmap();
        for (Partition p : overlapping(minTime, maxTime)) {
            LabelIndex index = p.existingIndex(tenant);
            if (index != null) {
                all.or(index.select(matchers, dayOf(minTime), dayOf(maxTime)));
            }
        }
        return sortedByKey(all);
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
    public CardinalityStats cardinality(TenantId tenant, long minTime, long maxTime, int topN) {
        ensureOpen();
        Map<String, Long> byName = new HashMap<>();
        Map<String, Long> byLabel = new HashMap<>();
        Map<String, Long> byPair = new HashMap<>();
        int[] ids = indexedIds(tenant, List.of(), minTime, maxTime);
        for (int id : ids) {
            Labels l = registry.keyOf(id).labels();
            byName.merge(l.metricName(), 1L, Long::sum);
            l.forEach((n, v) -> {
                byLabel.merge(n, 1L, Long::sum);
                byPair.merge(n + "=" + v, 1L, Long::sum);
            });
        }
        Map<String, Long> valuesPerLabel = new HashMap<>();
        for (String pair : byPair.keySet()) {
            valuesPerLabel.merge(pair.substring(0, pair.indexOf('=')), 1L, Long::sum);
        }
        return new CardinalityStats(ids.length, top(byName, topN), top(byLabel, topN), top(byPair, topN),
                top(valuesPerLabel, topN));
    }

    private static List<CardinalityStats.Entry> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(n).map(e -> new CardinalityStats.Entry(e.getKey(), e.getValue())).toList();
    }

    // ---------------------------------------------------------------- deletes

    /**
     * Deletes every series of {@code tenant} matching all {@code matchers}, durably: they vanish from searches at
     * once, and parts holding them are rewritten before this returns. Samples appended later start a new series.
     *
     * @return how many series were deleted
     */
    @Override
    public int deleteSeries(TenantId tenant, List<LabelMatcher> matchers) {
        ensureOpen();
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("deleteSeries needs at least one matcher");
        }
        checkWritable();
        RoaringBitmap ids = new RoaringBitmap();
        flush(ids, () -> {
            for (Partition p : partitions.values()) {
                LabelIndex index = p.existingIndex(tenant);
                if (index != null) {
                    ids.or(index.select(matchers));
                }
            }
            for (int id : ids) {
                registry.retire(registry.keyOf(id), id);
            }
            for (Partition p : partitions.values()) {
                LabelIndex index = p.existingIndex(tenant);
                if (index != null) {
                    index.remove(ids, id -> registry.keyOf(id).labels());
                }
            }
        });
        if (ids.isEmpty()) {
            return 0;
        }
        for (Partition p : partitions.values()) {
            p.maintenance.lock();
            try {
                for (Part part : p.view().parts()) {
                    if (RoaringBitmap.and(idsOf(List.of(part)), ids).isEmpty() || !part.retain()) {
                        continue;
                    }
                    try {
                        RoaringBitmap keep = idsOf(List.of(part));
                        keep.andNot(ids);
                        Part rewritten = writePart(p, part.minSeq(), part.maxSeq(), sortedByKey(keep),
                                id -> part.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
                        p.replaceParts(List.of(part), rewritten);
                    }
                    finally {
                        part.release();
                    }
                }
            }
            finally {
                p.maintenance.unlock();
            }
        }
        LOG.log(Level.INFO, "deleted " + ids.getCardinality() + " series of tenant " + tenant + " matching "
                + matchers);
        return ids.getCardinality();
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Flushes the head and hard-links every part into {@code snapshots/<name>/}, whose layout is that of a data path:
     * copying it to an empty directory and opening that directory restores the data.
     *
     * @return the snapshot's name
     */
    public String snapshotCreate() {
        ensureOpen();
        flush();
        String name = SNAPSHOT_TIME.format(config.clock().instant()) + "-"
                + String.format("%08x", snapshotSeq.incrementAndGet() ^ (System.nanoTime() & 0xffff0000L));
        Path building = tmpDir.resolve("snapshot-" + name);
        try {
            for (Partition p : partitions.values()) {
                p.maintenance.lock();
                try {
                    for (Part part : p.view().parts()) {
                        Path dir = building.resolve("partitions").resolve(p.dir.getFileName());
                        Files.createDirectories(dir);
                        Files.createLink(dir.resolve(part.name()), part.file());
                    }
                }
                finally {
                    p.maintenance.unlock();
                }
            }
            Files.createDirectories(building.resolve("partitions"));
            Files.move(building, snapshotsDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(snapshotsDir);
        }
        catch (IOException e) {
            deleteQuietly(building);
            throw new UncheckedIOException("cannot create snapshot " + name, e);
        }
        LOG.log(Level.INFO, "created snapshot " + name);
        return name;
    }

    public List<String> snapshotList() {
        try (Stream<Path> s = Files.list(snapshotsDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> SNAPSHOT_NAME.matcher(n).matches()).sorted()
                .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + snapshotsDir, e);
        }
    }

    /** The directory of snapshot {@code name}, for backup tools to copy. */
    public Path snapshotPath(String name) {
        if (!SNAPSHOT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid snapshot name '" + name + "'");
        }
        return snapshotsDir.resolve(name);
    }

    /** @return false when no such snapshot exists */
    public boolean snapshotDelete(String name) {
        Path dir = snapshotPath(name);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            deleteRecursively(dir);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot " + name, e);
        }
        return true;
    }

    /** Copies snapshot directory {@code snapshot} into the empty or missing {@code dataPath}, ready to open. */
    public static void restoreSnapshot(Path snapshot, Path dataPath) {
        try {
            if (Files.isDirectory(dataPath)) {
                try (Stream<Path> s = Files.list(dataPath)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("restore target " + dataPath + " is not empty");
                    }
                }
            }
            try (Stream<Path> files = Files.walk(snapshot)) {
                for (Path src : (Iterable<Path>) files::iterator) {
                    Path dst = dataPath.resolve(snapshot.relativize(src).toString());
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    }
                    else {
                        Files.copy(src, dst);
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot restore snapshot " + snapshot + " to " + dataPath, e);
        }
    }

    // ---------------------------------------------------------------- status and maintenance

    public EngineStatus status() {
        long partsBytes = 0;
        int parts = 0;
        long head = 0;
        for (Partition p : partitions.values()) {
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
        String reason = readOnlyReason;
        return new EngineStatus(partsBytes + walBytes, rowsIngested.get(), rowsDropped.get(),
                rowsTooFarInFuture.get(), registry.size(), head, partitions.size(), parts, merges.get(), flushes.get(),
                walBytes, wal.corruptionsTotal(), reason != null, reason, quarantined.get(), backgroundFailures.get());
    }

    /** Whether appends are currently refused; see {@link EngineStatus#readOnlyReason()}. */
    @Override
    public boolean isReadOnly() {
        return readOnlyReason != null;
    }

    /** One round of background work; public so tests without background threads can drive it. */
    public void runMaintenance() {
        ensureOpen();
        refreshFreeSpace();
        enforceRetention();
        long headSamples = 0;
        for (Partition p : partitions.values()) {
            headSamples += p.view().head().samples();
        }
        if (headSamples > 0 && (headSamples >= config.maxHeadSamples()
                || System.nanoTime() - lastFlushNanos >= config.headFlushInterval().toNanos())) {
            flush();
        }
        if (readOnlyReason != null) {
            return; // merges need scratch space; VictoriaMetrics stops them too
        }
        long settledBefore = config.clock().millis() - Partition.DAY_MS;
        for (Partition p : partitions.values()) {
            // Partitions no longer written get one final merge: one part per range compresses and searches best.
            boolean settled = p.end < settledBefore && p.view().head().isEmpty() && p.view().frozen().isEmpty();
            mergeOnce(p, settled);
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

    private long retentionCutoff() {
        return config.clock().millis() - config.retention().toMillis();
    }

    private void enforceRetention() {
        long cutoff = retentionCutoff();
        boolean dropped = false;
        for (Partition p : partitions.values()) {
            if (p.maxTime() < cutoff) {
                dropped = true;
                p.maintenance.lock();
                try {
                    partitions.remove(p.start, p);
                    lastPartition = null;
                    p.retireAll();
                    deleteRecursively(p.dir);
                    LOG.log(Level.INFO, "dropped partition " + p.dir.getFileName() + ": older than retention "
                            + config.retention());
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
        flushLock.lock();
        appendLock.writeLock().lock();
        try {
            RoaringBitmap live = new RoaringBitmap();
            for (Partition p : partitions.values()) {
                for (LabelIndex index : p.allIndexes()) {
                    live.or(index.select(List.of()));
                }
            }
            registry.retainOnly(live);
        }
        finally {
            appendLock.writeLock().unlock();
            flushLock.unlock();
        }
    }

    private void checkWritable() {
        long now = System.nanoTime();
        if (now - nextFreeSpaceCheck >= 0) {
            refreshFreeSpace();
        }
        String reason = readOnlyReason;
        if (reason != null) {
            throw new ReadOnlyException(reason);
        }
    }

    private void refreshFreeSpace() {
        nextFreeSpaceCheck = System.nanoTime() + config.freeSpaceCheckInterval().toNanos();
        long usable;
        try {
            usable = config.freeSpaceProbe().usableBytes(config.dataPath());
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot measure free disk space at " + config.dataPath(), e);
            return;
        }
        String was = readOnlyReason;
        if (usable < config.minFreeDiskSpaceBytes()) {
            readOnlyReason = "storage is read-only: " + usable + " bytes free at " + config.dataPath()
                    + ", below minFreeDiskSpaceBytes=" + config.minFreeDiskSpaceBytes();
            if (was == null) {
                LOG.log(Level.WARNING, readOnlyReason);
            }
        }
        else if (was != null) {
            readOnlyReason = null;
            LOG.log(Level.INFO, "storage is writable again: " + usable + " bytes free at " + config.dataPath());
        }
    }

    // ---------------------------------------------------------------- files

    private void loadPartitions() throws IOException {
        long cutoff = retentionCutoff();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(partitionsDir)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : dirs) {
            Partition p = Partition.fromDirectory(dir);
            if (p == null || overlapsExisting(p)) {
                LOG.log(Level.WARNING, "ignoring unexpected directory " + dir);
                continue;
            }
            if (p.maxTime() < cutoff) {
                deleteRecursively(dir);
                continue;
            }
            for (Path file : liveParts(dir)) {
                try {
                    Part part = Part.open(file, registry::idOf);
                    p.addPart(part);
                    indexPart(p, part);
                    partSeq.accumulateAndGet(part.maxSeq(), Math::max);
                }
                catch (CorruptDataException e) {
                    quarantineFile(dir, file, e);
                }
            }
            partitions.put(p.start, p);
        }
    }

    private void indexPart(Partition p, Part part) {
        part.forEachBlockSpan((id, min, max) -> {
            SeriesKey key = registry.keyOf(id);
            p.index(key.tenant()).add(id, key.labels(), dayOf(min), dayOf(max));
        });
    }

    private static long dayOf(long timestamp) {
        return Math.floorDiv(timestamp, Partition.DAY_MS);
    }

    /** Part files of a directory, minus those whose sequence range another covers (left by an interrupted merge). */
    private static List<Path> liveParts(Path dir) throws IOException {
        Map<Path, long[]> ranges = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                var m = PART_NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    ranges.put(f, new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) });
                }
            }
        }
        List<Path> live = new ArrayList<>();
        for (var e : ranges.entrySet()) {
            long[] r = e.getValue();
            boolean covered = ranges.entrySet().stream().anyMatch(o -> o.getKey() != e.getKey()
                    && o.getValue()[0] <= r[0] && o.getValue()[1] >= r[1]);
            if (covered) {
                LOG.log(Level.INFO, "removing part " + e.getKey() + ": superseded by a merged part");
                Files.delete(e.getKey());
            }
            else {
                live.add(e.getKey());
            }
        }
        return live;
    }

    private void quarantineCorrupt(Partition p, List<Part> candidates, CorruptDataException e) {
        for (Part part : candidates) {
            if (e.getMessage() != null && e.getMessage().contains(part.file().toString())) {
                quarantine(p, part, e);
                return;
            }
        }
        LOG.log(Level.ERROR, "merge in " + p.dir + " failed on corrupt data", e);
    }

    private void quarantine(Partition p, Part part, Exception cause) {
        synchronized (p) {
            if (!p.view().parts().contains(part)) {
                return; // already moved aside by another reader
            }
            p.replaceParts(List.of(part), null);
        }
        quarantineFile(p.dir, part.file(), cause);
    }

    private void quarantineFile(Path partitionDir, Path file, Exception cause) {
        quarantined.incrementAndGet();
        try {
            Files.createDirectories(quarantineDir);
            Path target = quarantineDir.resolve(partitionDir.getFileName() + "_" + file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(Level.ERROR, "quarantined corrupt part " + file + " as " + target + ": "
                    + (cause == null ? "checksum mismatch" : cause.getMessage()));
        }
        catch (IOException e) {
            LOG.log(Level.ERROR, "cannot move corrupt part " + file + " to " + quarantineDir, e);
        }
    }

    private long readCheckpoint() {
        Path f = walDir.resolve("flushed");
        try {
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
        }
        catch (IOException | NumberFormatException e) {
            LOG.log(Level.WARNING, "ignoring unreadable write-ahead log checkpoint " + f + "; replaying all", e);
            return 0;
        }
    }

    /** Records that segments up to {@code seq} are in parts, so a crash before their deletion skips them on replay. */
    private void writeCheckpoint(long seq) {
        Path tmp = walDir.resolve("flushed.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, walDir.resolve("flushed"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            fsyncDir(walDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write write-ahead log checkpoint", e);
        }
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + p, e);
        }
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
        partitions.values().forEach(Partition::retireAll);
    }

    /** Deletes log segments already covered by the checkpoint, before replay. */
    private record WalCleaner(Path dir) {
        void deleteUpTo(long seq) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (n.matches("\\d{16}\\.wal") && Long.parseLong(n.substring(0, 16)) <= seq) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
