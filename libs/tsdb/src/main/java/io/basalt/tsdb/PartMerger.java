package io.basalt.tsdb;

import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.SampleRun;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * Merges a partition's parts: in the background a run of parts whose total dwarfs its largest member (so each byte is
 * rewritten about log3(N) times), a partition no longer written down to one part, and everything on
 * {@code force_merge}. A merge input that fails its checksum is quarantined and the merge abandoned.
 */
final class PartMerger {

    /** Merge a run of parts once it is at least this many times bigger than its largest member. */
    static final double MERGE_RATIO = 3.0;

    static final int MAX_MERGE_PARTS = 15;

    /** Keep merged parts well under the 2 GiB a single mapping can address. */
    static final long MAX_PART_BYTES = 1L << 30;

    private final PartPublisher publisher;

    private final Quarantine quarantine;

    /** True once the engine closes: no merge starts after that. */
    private final BooleanSupplier closed;

    private final AtomicLong merges = new AtomicLong();

    PartMerger(PartPublisher publisher, Quarantine quarantine, BooleanSupplier closed) {
        this.publisher = publisher;
        this.quarantine = quarantine;
        this.closed = closed;
    }

    /** Merges each partition down to a single part (benchmarks and tests; background merges are incremental). */
    void mergeAll(Iterable<Partition> partitions) {
        for (Partition p : partitions) {
            while (p.view().parts().size() > 1 && mergeOnce(p, true)) {
                // each round merges up to MAX_MERGE_PARTS parts
            }
        }
    }

    /** One background merge per partition, where one is due. */
    void mergeDue(Iterable<Partition> partitions, long nowMillis) {
        long settledBefore = nowMillis - Partition.DAY_MS;
        for (Partition p : partitions) {
            // Partitions no longer written get one final merge: one part per range compresses and searches best.
            boolean settled = p.end < settledBefore && p.view().head().isEmpty() && p.view().frozen().isEmpty();
            mergeOnce(p, settled);
        }
    }

    /** Merges completed since the engine opened. */
    long total() {
        return merges.get();
    }

    private boolean mergeOnce(Partition p, boolean all) {
        p.maintenance.lock();
        try {
            List<Part> window = chooseWindow(p.view().parts(), all);
            if (window == null || closed.getAsBoolean() || !retainAll(window)) {
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
            out = publisher.publish(p, window.get(0).minSeq(), window.get(window.size() - 1).maxSeq(),
                    idsOf(window), id -> {
                        SampleRun run = SampleRun.EMPTY;
                        for (Part part : window) {
                            run = SampleRun.merge(run, part.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
                        }
                        return run;
                    });
        }
        catch (CorruptDataException e) {
            quarantine.moveAsideCulprit(p, window, e);
            return false;
        }
        if (out != null) {
            // A delete that hid series while this merge was reading them: the output must hide them too.
            for (Part in : window) {
                out.hide(in.hidden());
            }
        }
        p.replaceParts(window, out);
        for (Part in : window) {
            if (out == null || !in.file().equals(out.file())) {
                Directories.deleteQuietly(in.file());
            }
        }
        merges.incrementAndGet();
        return true;
    }

    /**
     * A run of parts adjacent in sequence order (so last-write-wins stays decidable by sequence) whose total is at
     * least {@link #MERGE_RATIO} times its largest member, so that each byte is rewritten about log3(N) times; with
     * {@code all}, the longest run. Null when there is none.
     */
    static List<Part> chooseWindow(List<Part> parts, boolean all) {
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

    static RoaringBitmap idsOf(List<Part> parts) {
        RoaringBitmap ids = new RoaringBitmap();
        for (Part p : parts) {
            ids.add(p.ids());
        }
        return ids;
    }
}
