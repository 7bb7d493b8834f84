package io.basalt.tsdb;

import io.basalt.model.TenantId;
import io.basalt.tsdb.head.Head;
import io.basalt.tsdb.index.LabelIndex;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.SampleRun;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One time range of data (a UTC day, or a UTC month when retention is long): immutable parts, heads being flushed,
 * the live head, and an inverted index over every series with samples in the range. Retention drops a whole
 * partition, index included.
 */
final class Partition {

    static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("uuuu_MM_dd");

    static final DateTimeFormatter MONTH_NAME = DateTimeFormatter.ofPattern("uuuu_MM");

    static final long DAY_MS = 86_400_000L;

    /** The UTC day of {@code timestamp}, as the per-day index counts days. */
    static long dayOf(long timestamp) {
        return Math.floorDiv(timestamp, DAY_MS);
    }

    /**
     * What a search reads, swapped atomically so a search sees every sample exactly once even while a flush or merge
     * replaces parts. Priority for equal timestamps: parts by sequence, then frozen heads, then the live head.
     */
    record View(List<Part> parts, List<Head> frozen, Head head) {
    }

    /** First millisecond covered. */
    final long start;

    /** First millisecond after the range. */
    final long end;

    final Path dir;

    private volatile View view = new View(List.of(), List.of(), new Head());

    private final ConcurrentHashMap<TenantId, LabelIndex> indexes = new ConcurrentHashMap<>();

    /** Serialises merges, part rewrites and snapshot links of this partition. */
    final ReentrantLock maintenance = new ReentrantLock();

    private Partition(long start, long end, Path dir) {
        this.start = start;
        this.end = end;
        this.dir = dir;
    }

    /** The day or month partition holding {@code timestamp}, to be created under {@code parent}. */
    static Partition covering(long timestamp, boolean monthly, Path parent) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(timestamp, DAY_MS));
        if (monthly) {
            LocalDate first = day.withDayOfMonth(1);
            return new Partition(first.toEpochDay() * DAY_MS, first.plusMonths(1).toEpochDay() * DAY_MS,
                    parent.resolve(first.format(MONTH_NAME)));
        }
        return new Partition(day.toEpochDay() * DAY_MS, day.toEpochDay() * DAY_MS + DAY_MS,
                parent.resolve(day.format(DAY_NAME)));
    }

    /** The partition a directory name denotes, or null when the name is neither a day nor a month. */
    static Partition fromDirectory(Path dir) {
        String name = dir.getFileName().toString();
        try {
            LocalDate day = LocalDate.parse(name, DAY_NAME);
            return new Partition(day.toEpochDay() * DAY_MS, day.toEpochDay() * DAY_MS + DAY_MS, dir);
        }
        catch (DateTimeParseException e) {
            try {
                LocalDate first = java.time.YearMonth.parse(name, MONTH_NAME).atDay(1);
                return new Partition(first.toEpochDay() * DAY_MS, first.plusMonths(1).toEpochDay() * DAY_MS, dir);
            }
            catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    boolean covers(long timestamp) {
        return timestamp >= start && timestamp < end;
    }

    long minTime() {
        return start;
    }

    long maxTime() {
        return end - 1;
    }

    View view() {
        return view;
    }

    /** The current view with a read reference on each of its parts; hand it back to {@link #release(View)}. */
    View acquire() {
        for (;;) {
            View v = view;
            List<Part> held = new ArrayList<>(v.parts().size());
            for (Part p : v.parts()) {
                if (!p.retain()) {
                    break; // retired between our read of the view and now: the next view no longer lists it
                }
                held.add(p);
            }
            if (held.size() == v.parts().size()) {
                return v;
            }
            held.forEach(Part::release);
        }
    }

    static void release(View v) {
        v.parts().forEach(Part::release);
    }

    /** Retires every part (partition dropped or engine closing). */
    synchronized void retireAll() {
        View v = view;
        view = new View(List.of(), v.frozen(), v.head());
        release(v);
    }

    LabelIndex index(TenantId tenant) {
        return indexes.computeIfAbsent(tenant, t -> new LabelIndex());
    }

    LabelIndex existingIndex(TenantId tenant) {
        return indexes.get(tenant);
    }

    /** Tenants with series indexed in this partition. */
    Set<TenantId> tenants() {
        return indexes.keySet();
    }

    Iterable<LabelIndex> allIndexes() {
        return indexes.values();
    }

    synchronized void addPart(Part part) {
        List<Part> parts = new ArrayList<>(view.parts());
        parts.add(part);
        parts.sort((a, b) -> Long.compare(a.minSeq(), b.minSeq()));
        view = new View(List.copyOf(parts), view.frozen(), view.head());
    }

    /** Moves the live head to the frozen list; returns it, or null when it was empty. Caller blocks appends. */
    synchronized Head freezeHead() {
        Head head = view.head();
        if (head.isEmpty()) {
            return null;
        }
        List<Head> frozen = new ArrayList<>(view.frozen());
        frozen.add(head);
        view = new View(view.parts(), List.copyOf(frozen), new Head());
        return head;
    }

    /** Publishes {@code flushed} (may be null when nothing survived) in place of the frozen heads it came from. */
    synchronized void replaceFrozen(List<Head> heads, Part flushed) {
        List<Head> frozen = new ArrayList<>(view.frozen());
        frozen.removeAll(heads);
        List<Part> parts = new ArrayList<>(view.parts());
        if (flushed != null) {
            parts.add(flushed);
            parts.sort((a, b) -> Long.compare(a.minSeq(), b.minSeq()));
        }
        view = new View(List.copyOf(parts), List.copyOf(frozen), view.head());
    }

    /**
     * Swaps merge inputs for their output (or a part for its rewrite); {@code output} may be null. The inputs'
     * listing references are dropped after the swap, so their files close once the last reader is done.
     */
    synchronized void replaceParts(List<Part> inputs, Part output) {
        List<Part> parts = new ArrayList<>(view.parts());
        List<Part> removed = inputs.stream().filter(parts::contains).toList();
        parts.removeAll(removed);
        if (output != null) {
            parts.add(output);
        }
        parts.sort((a, b) -> Long.compare(a.minSeq(), b.minSeq()));
        view = new View(List.copyOf(parts), view.frozen(), view.head());
        removed.forEach(Part::release);
    }

    /**
     * The samples of {@code id} in range from every source, newest winning; a part failing its checksum is handed to
     * {@code corrupt} and skipped.
     */
    static SampleRun read(View v, int id, long minTime, long maxTime, Consumer<Part> corrupt) {
        SampleRun run = SampleRun.EMPTY;
        for (Part p : v.parts()) {
            if (p.maxTime() < minTime || p.minTime() > maxTime) {
                continue;
            }
            try {
                run = SampleRun.merge(run, p.read(id, minTime, maxTime));
            }
            catch (io.basalt.tsdb.codec.CorruptDataException e) {
                corrupt.accept(p);
            }
        }
        for (Head h : v.frozen()) {
            run = SampleRun.merge(run, h.read(id, minTime, maxTime));
        }
        return SampleRun.merge(run, v.head().read(id, minTime, maxTime));
    }
}
