package io.basalt.tsdb;

import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.index.SeriesKey;
import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine's time partitions under {@code partitions/}, by start time: found for a timestamp (created on first
 * use), listed for a time range, loaded from disk on open, dropped by retention.
 */
final class PartitionSet {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private static final Pattern PART_NAME = Pattern.compile("(\\d{16})-(\\d{16})\\.part");

    private final Path dir;

    /**
     * Month partitions for long retention keep the per-partition indexes few; day partitions let short retention
     * drop data promptly.
     */
    private final boolean monthly;

    private final ConcurrentSkipListMap<Long, Partition> partitions = new ConcurrentSkipListMap<>();

    /** The partition the latest append went to, checked first. */
    private volatile Partition lastPartition;

    PartitionSet(Path dir, boolean monthly) {
        this.dir = dir;
        this.monthly = monthly;
    }

    Path dir() {
        return dir;
    }

    /** Every partition, oldest first; a live view, safe to iterate while partitions come and go. */
    Collection<Partition> all() {
        return partitions.values();
    }

    int size() {
        return partitions.size();
    }

    /** The partition covering {@code timestamp}, created (in memory; its directory comes with its first part). */
    Partition covering(long timestamp) {
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
            Partition p = Partition.covering(timestamp, monthly, dir);
            if (overlapsExisting(p)) {
                // Retention changed between runs: a day never straddles an existing month or day partition.
                p = Partition.covering(timestamp, false, dir);
            }
            partitions.put(p.start, p);
            return p;
        }
    }

    private boolean overlapsExisting(Partition p) {
        var before = partitions.floorEntry(p.maxTime());
        return before != null && before.getValue().end > p.start;
    }

    /** Partitions with any millisecond in {@code [minTime, maxTime]}, oldest first. */
    List<Partition> overlapping(long minTime, long maxTime) {
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

    /** Forgets {@code p} (retention dropped it); the caller retires its parts and deletes its directory. */
    void remove(Partition p) {
        partitions.remove(p.start, p);
        lastPartition = null;
    }

    /**
     * Opens the partitions on disk: deletes those wholly older than {@code cutoff} and parts left by an interrupted
     * merge, quarantines parts that fail to open, hides the series {@code tombstones} deleted from the rest, and
     * indexes what is left.
     *
     * @return the highest part sequence number found, 0 when there is none
     */
    long load(long cutoff, SeriesRegistry registry, Quarantine quarantine, Tombstones tombstones)
            throws IOException {
        long maxSeq = 0;
        List<Path> dirs;
        try (Stream<Path> s = Files.list(dir)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path partitionDir : dirs) {
            Partition p = Partition.fromDirectory(partitionDir);
            if (p == null || overlapsExisting(p)) {
                LOG.log(Level.WARNING, "ignoring unexpected directory " + partitionDir);
                continue;
            }
            if (p.maxTime() < cutoff) {
                Directories.deleteRecursively(partitionDir);
                continue;
            }
            for (Path file : liveParts(partitionDir)) {
                try {
                    Part part = Part.open(file, registry::idOf);
                    tombstones.applyTo(part, registry);
                    p.addPart(part);
                    index(p, part, registry);
                    maxSeq = Math.max(maxSeq, part.maxSeq());
                }
                catch (CorruptDataException e) {
                    quarantine.moveAsideFile(partitionDir, file, e);
                }
            }
            partitions.put(p.start, p);
        }
        return maxSeq;
    }

    private static void index(Partition p, Part part, SeriesRegistry registry) {
        part.forEachBlockSpan((id, min, max) -> {
            SeriesKey key = registry.keyOf(id);
            p.index(key.tenant()).add(id, key.labels(), Partition.dayOf(min), Partition.dayOf(max));
        });
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
}
