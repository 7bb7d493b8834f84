package io.basalt.tsdb;

import io.basalt.tsdb.index.SeriesKey;
import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * The durable half of deleting series: the delete is recorded in {@link Tombstones} and the series hidden in every
 * part at once, then each part holding them is rewritten without them. A rewrite that fails (full disk, I/O error)
 * leaves the delete in force, in memory and across restarts, and is tried again by the next round of maintenance.
 */
final class PartRewrites {

    private final Tombstones tombstones;

    private final PartPublisher publisher;

    private final SeriesRegistry registry;

    /** Keeps a delete being recorded apart from clearing the tombstones when the last rewrite is done. */
    private final ReentrantLock recording = new ReentrantLock();

    PartRewrites(Tombstones tombstones, PartPublisher publisher, SeriesRegistry registry) {
        this.tombstones = tombstones;
        this.publisher = publisher;
        this.registry = registry;
    }

    /**
     * Deletes {@code ids} from every part written up to sequence {@code upToSeq}: durably first, then in memory.
     * Called with appends blocked, before the head holding them is flushed.
     */
    void delete(RoaringBitmap ids, long upToSeq, long logSegment, Iterable<Partition> partitions) {
        List<SeriesKey> keys = new ArrayList<>(ids.getCardinality());
        for (int id : ids) {
            keys.add(registry.keyOf(id));
        }
        recording.lock();
        try {
            tombstones.record(keys, upToSeq, logSegment);
            for (Partition p : partitions) {
                for (Part part : p.view().parts()) {
                    part.hide(ids);
                }
            }
        }
        finally {
            recording.unlock();
        }
    }

    /** Whether some part may still hold a deleted series. */
    boolean pending() {
        return !tombstones.isEmpty();
    }

    /**
     * Rewrites every part that still holds deleted series, and forgets the tombstones once none does and the log no
     * longer holds a segment written before a delete ({@code logRetiredThrough}: the last segment flushed and gone).
     *
     * @throws RuntimeException when a rewrite fails; the deletes stay in force and a later call tries again
     */
    void rewrite(Iterable<Partition> partitions, long logRetiredThrough) {
        for (Partition p : partitions) {
            p.maintenance.lock();
            try {
                for (Part part : p.view().parts()) {
                    if (part.hidesSeries() && part.retain()) {
                        try {
                            Part rewritten = publisher.publish(p, part.minSeq(), part.maxSeq(),
                                    PartMerger.idsOf(List.of(part)),
                                    id -> part.read(id, Long.MIN_VALUE, Long.MAX_VALUE));
                            p.replaceParts(List.of(part), rewritten);
                        }
                        finally {
                            part.release();
                        }
                    }
                }
            }
            finally {
                p.maintenance.unlock();
            }
        }
        recording.lock();
        try {
            // The file also keeps replay from restoring samples logged before a delete whose flush failed.
            if (!anyHidden(partitions) && !tombstones.coversLogAfter(logRetiredThrough)) {
                tombstones.clear();
            }
        }
        finally {
            recording.unlock();
        }
    }

    private static boolean anyHidden(Iterable<Partition> partitions) {
        for (Partition p : partitions) {
            for (Part part : p.view().parts()) {
                if (part.hidesSeries()) {
                    return true;
                }
            }
        }
        return false;
    }
}
