package io.basalt.tsdb.index;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives every live series a dense in-process id (dense ids keep Roaring postings compact). Ids are not persisted:
 * parts store label sets and the write-ahead log declares its ids per segment, so a restart may renumber freely.
 */
public final class SeriesRegistry {

    private final ConcurrentHashMap<SeriesKey, Integer> ids = new ConcurrentHashMap<>();

    private volatile SeriesKey[] keys = new SeriesKey[1024];

    private int next;

    public int idOf(SeriesKey key) {
        Integer id = ids.get(key);
        return id != null ? id : ids.computeIfAbsent(key, this::assign);
    }

    private synchronized int assign(SeriesKey key) {
        if (next == keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[next] = key;
        return next++;
    }

    /** The key an id was given for; still answers after {@link #retire} so old parts stay readable. */
    public SeriesKey keyOf(int id) {
        return keys[id];
    }

    /** Makes the next sample of {@code key} start a new series, as a delete requires. */
    public void retire(SeriesKey key, int id) {
        ids.remove(key, id);
    }

    /**
     * Forgets every series not in {@code live} (their partitions expired): they stop counting as active, and a later
     * sample starts a new id. Their keys are released on the next call, when no search can still be reading them.
     */
    public synchronized void retainOnly(org.roaringbitmap.RoaringBitmap live) {
        for (int id : released) {
            keys[id] = null;
        }
        org.roaringbitmap.RoaringBitmap dropped = new org.roaringbitmap.RoaringBitmap();
        ids.forEach((key, id) -> {
            if (!live.contains(id)) {
                ids.remove(key, id);
                dropped.add(id);
            }
        });
        released = dropped;
    }

    private org.roaringbitmap.RoaringBitmap released = new org.roaringbitmap.RoaringBitmap();

    /** Live series, i.e. label sets that currently resolve to an id. */
    public int size() {
        return ids.size();
    }
}
