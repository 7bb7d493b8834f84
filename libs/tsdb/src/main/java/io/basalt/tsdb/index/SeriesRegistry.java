package io.basalt.tsdb.index;

import io.basalt.model.LabelEncoding;
import io.basalt.model.TenantId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * Gives every live series a dense in-process id (dense ids keep Roaring postings compact). Ids are not persisted:
 * parts store label sets and the write-ahead log declares its ids per segment, so a restart may renumber freely.
 *
 * <p>Series are keyed by tenant and canonical label bytes ({@link LabelEncoding}), so an insert finds a known series
 * straight from the bytes it received ({@link #find}); only a series new to the node is decoded into labels.
 */
public final class SeriesRegistry {

    private final ConcurrentHashMap<Object, Integer> ids = new ConcurrentHashMap<>();

    private volatile SeriesKey[] keys = new SeriesKey[1024];

    private int next;

    private RoaringBitmap released = new RoaringBitmap();

    public int idOf(SeriesKey key) {
        StoredKey stored = StoredKey.of(key);
        Integer id = ids.get(stored);
        return id != null ? id : ids.computeIfAbsent(stored, k -> assign(key));
    }

    /**
     * The id of the series of {@code tenant} whose canonical label bytes are {@code buf[off .. off+len)}, or -1 when
     * there is none (a new series, or bytes that are not canonical).
     */
    public int find(TenantId tenant, byte[] buf, int off, int len) {
        Integer id = ids.get(new Probe(tenant.accountId(), tenant.projectId(), buf, off, len));
        return id == null ? -1 : id;
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

    /** {@code ids} ordered by their keys (tenant, then labels): the order of a part's series table and of searches. */
    public int[] inKeyOrder(RoaringBitmap ids) {
        Integer[] boxed = Arrays.stream(ids.toArray()).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparing(this::keyOf));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    /** Makes the next sample of {@code key} start a new series, as a delete requires. */
    public void retire(SeriesKey key, int id) {
        ids.remove(StoredKey.of(key), id);
    }

    /**
     * Forgets every series not in {@code live} (their partitions expired): they stop counting as active, and a later
     * sample starts a new id. Their keys are released on the next call, when no search can still be reading them.
     */
    public synchronized void retainOnly(RoaringBitmap live) {
        for (int id : released) {
            keys[id] = null;
        }
        RoaringBitmap dropped = new RoaringBitmap();
        ids.forEach((key, id) -> {
            if (!live.contains(id)) {
                ids.remove(key, id);
                dropped.add(id);
            }
        });
        released = dropped;
    }

    /** Live series, i.e. label sets that currently resolve to an id. */
    public int size() {
        return ids.size();
    }

    private static int hash(int accountId, int projectId, byte[] buf, int off, int len) {
        long h = LabelEncoding.hash(buf, off, len) ^ (accountId * 0x9E3779B97F4A7C15L) ^ (projectId * 0xC2B2AE3D27D4EB4FL);
        return (int) (h ^ (h >>> 32));
    }

    /** A key held by the map: its own copy of the canonical bytes. */
    private static final class StoredKey {

        final int accountId;

        final int projectId;

        final byte[] bytes;

        final int hash;

        private StoredKey(int accountId, int projectId, byte[] bytes) {
            this.accountId = accountId;
            this.projectId = projectId;
            this.bytes = bytes;
            this.hash = SeriesRegistry.hash(accountId, projectId, bytes, 0, bytes.length);
        }

        static StoredKey of(SeriesKey key) {
            return new StoredKey(key.tenant().accountId(), key.tenant().projectId(),
                    LabelEncoding.encode(key.labels()));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof StoredKey k) {
                return k.hash == hash && k.accountId == accountId && k.projectId == projectId
                        && Arrays.equals(k.bytes, bytes);
            }
            return o instanceof Probe p && p.equals(this);
        }
    }

    /** A lookup key over bytes the caller owns; never stored. */
    private static final class Probe {

        final int accountId;

        final int projectId;

        final byte[] buf;

        final int off;

        final int len;

        final int hash;

        Probe(int accountId, int projectId, byte[] buf, int off, int len) {
            this.accountId = accountId;
            this.projectId = projectId;
            this.buf = buf;
            this.off = off;
            this.len = len;
            this.hash = SeriesRegistry.hash(accountId, projectId, buf, off, len);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StoredKey k && k.hash == hash && k.accountId == accountId && k.projectId == projectId
                    && LabelEncoding.equal(k.bytes, 0, k.bytes.length, buf, off, len);
        }
    }
}
