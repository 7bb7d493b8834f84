package io.basalt.tsdb;

import io.basalt.model.TenantId;
import io.basalt.tsdb.head.Head;
import io.basalt.tsdb.index.LabelIndex;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.SampleRun;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One UTC day of data: immutable parts, heads being flushed, the live head, and an inverted index over every series
 * with samples that day. Retention drops a whole partition, index included.
 */
final class Partition {

    static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyy_MM_dd");

    static final long DAY_MS = 86_400_000L;

    /**
     * What a search reads, swapped atomically so a search sees every sample exactly once even while a flush or merge
     * replaces parts. Priority for equal timestamps: parts by sequence, then frozen heads, then the live head.
     */
    record View(List<Part> parts, List<Head> frozen, Head head) {
    }

    final long day;

    final Path dir;

    private volatile View view = new View(List.of(), List.of(), new Head());

    private final ConcurrentHashMap<TenantId, LabelIndex> indexes = new ConcurrentHashMap<>();

    /** Serialises merges, part rewrites and snapshot links of this partition. */
    final ReentrantLock maintenance = new ReentrantLock();

    Partition(long day, Path dir) {
        this.day = day;
        this.dir = dir;
    }

    static String nameOf(long day) {
        return LocalDate.ofEpochDay(day).format(NAME);
    }

    static long dayOf(long timestampMs) {
        return Math.floorDiv(timestampMs, DAY_MS);
    }

    long minTime() {
        return day * DAY_MS;
    }

    long maxTime() {
        return day * DAY_MS + DAY_MS - 1;
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
