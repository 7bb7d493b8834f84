package io.basalt.tsdb.index;

import io.basalt.model.LabelEncoding;
import io.basalt.model.TenantId;
import io.basalt.tsdb.codec.BytesOut;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * Gives every live series a dense in-process id (dense ids keep Roaring postings compact). Ids are not persisted:
 * parts store label sets and the write-ahead log declares its ids per segment, so a restart may renumber freely.
 *
 * <p>Series are keyed by tenant and canonical label bytes ({@link LabelEncoding}), so an insert finds a known series
 * straight from the bytes it received ({@link #find}); only a series new to the node is decoded into labels.
 *
 * <p>The key table is open addressing: per slot an id and a hash side by side in one int array, and the stored key
 * (tenant, then canonical label bytes) in a parallel array. A lookup allocates nothing and costs about three cache
 * misses (slot, key reference, key bytes), where a boxed hash map cost a probe object and twice as many dependent
 * loads; on a busy node this lookup was the largest cost of an insert. Lookups run without a lock against whichever
 * table they read; a writer publishes a slot only after its key is in place, and a lookup that misses (a concurrent
 * resize, a series registered a moment ago) falls back to {@link #idOf}, which looks again under the lock.
 */
public final class SeriesRegistry {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** Stored keys start with the tenant: account and project, little-endian. */
    private static final int TENANT_BYTES = 8;

    private static final int EMPTY = 0;

    /** A removed key: lookups probe past it, inserts may reuse it. Slots otherwise hold {@code id + 1}. */
    private static final int REMOVED = -1;

    private volatile Table table = new Table(1024);

    /**
     * By id, the stored key: tenant, then canonical label bytes. The only copy of a label set a node keeps per series:
     * {@link #keyOf} decodes it when a flush, merge, search or the index needs labels (their strings shared through
     * the intern table), which costs less than keeping a label-set object per series alive.
     */
    private volatile byte[][] storedKeys = new byte[1024][];

    private int next;

    /** Slots in use, removed ones included (they lengthen probes until the next resize). */
    private int occupied;

    private int live;

    private RoaringBitmap released = new RoaringBitmap();

    /** The id of {@code key}, assigning the next one when it is new. */
    public int idOf(SeriesKey key) {
        byte[] bytes = LabelEncoding.encode(key.labels());
        int found = find(key.tenant(), bytes, 0, bytes.length);
        return found >= 0 ? found : register(key.tenant(), bytes);
    }

    /**
     * The id of the series of {@code tenant} whose canonical label bytes are {@code buf[off .. off+len)}, or -1 when
     * there is none (a new series, or bytes that are not canonical).
     */
    public int find(TenantId tenant, byte[] buf, int off, int len) {
        Table t = table;
        long packedTenant = pack(tenant);
        int hash = hash(packedTenant, buf, off, len);
        int mask = t.capacity - 1;
        for (int slot = hash & mask;; slot = (slot + 1) & mask) {
            int entry = (int) SLOTS.getAcquire(t.slots, 2 * slot);
            if (entry == EMPTY) {
                return -1;
            }
            if (entry != REMOVED && t.slots[2 * slot + 1] == hash) {
                byte[] stored = t.keys[slot];
                if ((long) LONG_LE.get(stored, 0) == packedTenant
                        && Arrays.equals(stored, TENANT_BYTES, stored.length, buf, off, off + len)) {
                    return entry - 1;
                }
            }
        }
    }

    private synchronized int register(TenantId tenant, byte[] bytes) {
        int found = find(tenant, bytes, 0, bytes.length);
        if (found >= 0) {
            return found;
        }
        if (next == storedKeys.length) {
            storedKeys = Arrays.copyOf(storedKeys, storedKeys.length * 2);
        }
        long packedTenant = pack(tenant);
        byte[] stored = new byte[TENANT_BYTES + bytes.length];
        LONG_LE.set(stored, 0, packedTenant);
        System.arraycopy(bytes, 0, stored, TENANT_BYTES, bytes.length);
        int id = next++;
        storedKeys[id] = stored;
        if ((occupied + 1) * 4L > table.capacity * 3L) {
            table = rebuilt(live + 1);
        }
        int hash = hash(packedTenant, bytes, 0, bytes.length);
        Table t = table;
        int mask = t.capacity - 1;
        int slot = hash & mask;
        while (t.slots[2 * slot] != EMPTY && t.slots[2 * slot] != REMOVED) {
            slot = (slot + 1) & mask;
        }
        if (t.slots[2 * slot] == EMPTY) {
            occupied++;
        }
        t.keys[slot] = stored;
        t.slots[2 * slot + 1] = hash;
        SLOTS.setRelease(t.slots, 2 * slot, id + 1);
        live++;
        return id;
    }

    /** A fresh table holding every live slot of the current one, sized for {@code expected} keys at half load. */
    private Table rebuilt(int expected) {
        int capacity = Integer.highestOneBit(Math.max(1024, expected * 2 - 1)) << 1;
        Table old = table;
        Table fresh = new Table(capacity);
        int mask = capacity - 1;
        for (int i = 0; i < old.capacity; i++) {
            int entry = old.slots[2 * i];
            if (entry != EMPTY && entry != REMOVED) {
                int hash = old.slots[2 * i + 1];
                int slot = hash & mask;
                while (fresh.slots[2 * slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                fresh.slots[2 * slot] = entry;
                fresh.slots[2 * slot + 1] = hash;
                fresh.keys[slot] = old.keys[i];
            }
        }
        occupied = live;
        return fresh;
    }

    /**
     * The key an id was given for, decoded anew (null once {@link #retainOnly} released it); still answers after
     * {@link #retire} so old parts stay readable.
     */
    public SeriesKey keyOf(int id) {
        byte[] stored = storedKeys[id];
        if (stored == null) {
            return null;
        }
        long packed = (long) LONG_LE.get(stored, 0);
        return new SeriesKey(new TenantId((int) packed, (int) (packed >>> 32)),
                LabelEncoding.decode(stored, TENANT_BYTES, stored.length - TENANT_BYTES));
    }

    /** Appends the canonical label bytes of {@code id} ({@link LabelEncoding}) to {@code out}. */
    public void writeLabelBytes(int id, BytesOut out) {
        byte[] stored = storedKeys[id];
        out.writeBytes(stored, TENANT_BYTES, stored.length - TENANT_BYTES);
    }

    /** {@code ids} ordered by their keys (tenant, then labels): the order of a part's series table and of searches. */
    public int[] inKeyOrder(RoaringBitmap ids) {
        return orderedByKey(ids).ids();
    }

    /** Ids in key order with their keys alongside, each key decoded once: what writing a part needs. */
    public record KeyOrdered(int[] ids, SeriesKey[] keys) {
    }

    public KeyOrdered orderedByKey(RoaringBitmap ids) {
        int[] order = ids.toArray();
        SeriesKey[] byPosition = new SeriesKey[order.length];
        for (int i = 0; i < order.length; i++) {
            byPosition[i] = keyOf(order[i]);
        }
        // Sorting the keys with their ids alongside: no boxing, and each comparison reads two keys it already has.
        KeyOrder.sort(byPosition, order);
        return new KeyOrdered(order, byPosition);
    }

    /** Makes the next sample of {@code key} start a new series, as a delete requires. */
    public synchronized void retire(SeriesKey key, int id) {
        Table t = table;
        int mask = t.capacity - 1;
        byte[] stored = storedKeys[id];
        int hash = hash(pack(key.tenant()), stored, TENANT_BYTES, stored.length - TENANT_BYTES);
        for (int slot = hash & mask;; slot = (slot + 1) & mask) {
            int entry = t.slots[2 * slot];
            if (entry == EMPTY) {
                return;
            }
            if (entry == id + 1) {
                SLOTS.setRelease(t.slots, 2 * slot, REMOVED);
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
            storedKeys[id] = null;
        }
        Table t = table;
        RoaringBitmap dropped = new RoaringBitmap();
        for (int slot = 0; slot < t.capacity; slot++) {
            int entry = t.slots[2 * slot];
            if (entry != EMPTY && entry != REMOVED && !liveIds.contains(entry - 1)) {
                SLOTS.setRelease(t.slots, 2 * slot, REMOVED);
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

    private static long pack(TenantId tenant) {
        return (tenant.accountId() & 0xFFFFFFFFL) | ((long) tenant.projectId() << 32);
    }

    private static int hash(long packedTenant, byte[] buf, int off, int len) {
        long h = LabelEncoding.hash(buf, off, len) ^ (packedTenant * 0x9E3779B97F4A7C15L);
        return (int) (h ^ (h >>> 32));
    }

    /**
     * Slots: {@code slots[2i]} is 0 (empty), -1 (removed) or id + 1, {@code slots[2i + 1]} the key's hash, so that one
     * cache line answers both; {@code keys[i]} is the stored key of slot i.
     */
    private static final class Table {

        final int capacity;

        final int[] slots;

        final byte[][] keys;

        Table(int capacity) {
            this.capacity = capacity;
            slots = new int[2 * capacity];
            keys = new byte[capacity][];
        }
    }
}
