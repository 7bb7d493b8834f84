package io.basalt.tsdb.index;

import io.basalt.model.LabelEncoding;
import io.basalt.model.TenantId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Gives every live series a dense in-process id (dense ids keep Roaring postings compact). Ids are not persisted:
 * parts store label sets and the write-ahead log declares its ids per segment, so a restart may renumber freely.
 *
 * <p>Series are keyed by tenant and canonical label bytes ({@link LabelEncoding}), so an insert finds a known series
 * straight from the bytes it received ({@link #find}); only a series new to the node is decoded into labels.
 *
 * <p>The key table is open addressing over two int arrays (id and hash per slot): a lookup allocates nothing and
 * touches one slot pair and the key's bytes, where a boxed hash map cost a probe object and four dependent loads.
 * Lookups run without a lock against whichever table they read; a writer publishes a slot only after the id's bytes
 * and key are in place, and a lookup that misses (a concurrent resize, a series registered a moment ago) falls back
 * to {@link #idOf}, which looks again under the lock.
 */
public final class SeriesRegistry {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

    private static final int EMPTY = 0;

    /** A removed key: lookups probe past it, inserts may reuse it. Slots otherwise hold {@code id + 1}. */
    private static final int REMOVED = -1;

    private volatile Table table = new Table(1024);

    private volatile SeriesKey[] keys = new SeriesKey[1024];

    private volatile byte[][] labelBytes = new byte[1024][];

    private int next;

    /** Slots in use, removed ones included (they lengthen probes until the next resize). */
    private int occupied;

    private int live;

    private RoaringBitmap released = new RoaringBitmap();

    /** The id of {@code key}, assigning the next one when it is new. */
    public int idOf(SeriesKey key) {
        byte[] bytes = LabelEncoding.encode(key.labels());
        int found = find(key.tenant(), bytes, 0, bytes.length);
        return found >= 0 ? found : register(key, bytes);
    }

    /**
     * The id of the series of {@code tenant} whose canonical label bytes are {@code buf[off .. off+len)}, or -1 when
     * there is none (a new series, or bytes that are not canonical).
     */
    public int find(TenantId tenant, byte[] buf, int off, int len) {
        Table t = table;
        int hash = hash(tenant, buf, off, len);
        int mask = t.ids.length - 1;
        for (int slot = hash & mask;; slot = (slot + 1) & mask) {
            int entry = (int) SLOTS.getAcquire(t.ids, slot);
            if (entry == EMPTY) {
                return -1;
            }
            if (entry != REMOVED && t.hashes[slot] == hash) {
                int id = entry - 1;
                byte[] stored = labelBytes[id];
                SeriesKey key = keys[id];
                if (stored != null && key != null && key.tenant().equals(tenant)
                        && LabelEncoding.equal(stored, 0, stored.length, buf, off, len)) {
                    return id;
                }
            }
        }
    }

    private synchronized int register(SeriesKey key, byte[] bytes) {
        int found = find(key.tenant(), bytes, 0, bytes.length);
        if (found >= 0) {
            return found;
        }
        if (next == keys.length) {
            int capacity = keys.length * 2;
            labelBytes = Arrays.copyOf(labelBytes, capacity);
            keys = Arrays.copyOf(keys, capacity);
        }
        int id = next++;
        labelBytes[id] = bytes;
        keys[id] = key;
        if ((occupied + 1) * 4L > table.ids.length * 3L) {
            table = rebuilt(live + 1);
        }
        int hash = hash(key.tenant(), bytes, 0, bytes.length);
        Table t = table;
        int mask = t.ids.length - 1;
        int slot = hash & mask;
        while (t.ids[slot] != EMPTY && t.ids[slot] != REMOVED) {
            slot = (slot + 1) & mask;
        }
        if (t.ids[slot] == EMPTY) {
            occupied++;
        }
        t.hashes[slot] = hash;
        SLOTS.setRelease(t.ids, slot, id + 1);
        live++;
        return id;
    }

    /** A fresh table holding every live slot of the current one, sized for {@code expected} keys at half load. */
    private Table rebuilt(int expected) {
        int capacity = Integer.highestOneBit(Math.max(1024, expected * 2 - 1)) << 1;
        Table old = table;
        Table fresh = new Table(capacity);
        int mask = capacity - 1;
        for (int i = 0; i < old.ids.length; i++) {
            int entry = old.ids[i];
            if (entry != EMPTY && entry != REMOVED) {
                int slot = old.hashes[i] & mask;
                while (fresh.ids[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                fresh.ids[slot] = entry;
                fresh.hashes[slot] = old.hashes[i];
            }
        }
        occupied = live;
        return fresh;
    }

    /** The key an id was given for; still answers after {@link #retire} so old parts stay readable. */
    public SeriesKey keyOf(int id) {
        return keys[id];
    }

    /** The canonical label bytes of {@code id} ({@link LabelEncoding}); not to be modified. */
    public byte[] labelBytesOf(int id) {
        return labelBytes[id];
    }

    /** {@code ids} ordered by their keys (tenant, then labels): the order of a part's series table and of searches. */
    public int[] inKeyOrder(RoaringBitmap ids) {
        Integer[] boxed = Arrays.stream(ids.toArray()).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparing(this::keyOf));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    /** Makes the next sample of {@code key} start a new series, as a delete requires. */
    public synchronized void retire(SeriesKey key, int id) {
        Table t = table;
        int mask = t.ids.length - 1;
        byte[] bytes = labelBytes[id];
        for (int slot = hash(key.tenant(), bytes, 0, bytes.length) & mask;; slot = (slot + 1) & mask) {
            int entry = t.ids[slot];
            if (entry == EMPTY) {
                return;
            }
            if (entry == id + 1) {
                SLOTS.setRelease(t.ids, slot, REMOVED);
                live--;
                return;
            }
        }
    }

    /**
     * Forgets every series not in {@code live} (their partitions expired): they stop counting as active, and a later
     * sample starts a new id. Their keys are released on the next call, when no search can still be reading them.
     */
    public synchronized void retainOnly(RoaringBitmap liveIds) {
        for (int id : released) {
            keys[id] = null;
            labelBytes[id] = null;
        }
        Table t = table;
        RoaringBitmap dropped = new RoaringBitmap();
        for (int slot = 0; slot < t.ids.length; slot++) {
            int entry = t.ids[slot];
            if (entry != EMPTY && entry != REMOVED && !liveIds.contains(entry - 1)) {
                SLOTS.setRelease(t.ids, slot, REMOVED);
                dropped.add(entry - 1);
                live--;
            }
        }
        if (!dropped.isEmpty()) {
            table = rebuilt(live);
        }
        released = dropped;
    }

    /** Live series, i.e. label sets that currently resolve to an id. */
    public synchronized int size() {
        return live;
    }

    private static int hash(TenantId tenant, byte[] buf, int off, int len) {
        long h = LabelEncoding.hash(buf, off, len) ^ (tenant.accountId() * 0x9E3779B97F4A7C15L)
                ^ (tenant.projectId() * 0xC2B2AE3D27D4EB4FL);
        return (int) (h ^ (h >>> 32));
    }

    /** Slots: {@code ids[i]} is 0 (empty), -1 (removed) or id + 1; {@code hashes[i]} the key's hash. */
    private static final class Table {

        final int[] ids;

        final int[] hashes;

        Table(int capacity) {
            ids = new int[capacity];
            hashes = new int[capacity];
        }
    }
}
