package io.basalt.insert.limits;

/**
 * The distinct 64-bit series hashes seen in a sliding window, kept as two generations: a hash seen in the current or
 * the previous generation is known. Rotating every window length means a series counts for at least one window after
 * it was last seen and is forgotten at most two windows after. Memory is bounded by the caller: it adds new hashes
 * only while {@link #size()} is below its limit.
 */
final class HashWindow {

    private final long windowMillis;

    private long generationStart;

    private LongSet current = new LongSet();

    private LongSet previous = new LongSet();

    /** Hashes in the previous generation that have not been seen again in the current one. */
    private long previousOnly;

    HashWindow(long windowMillis, long nowMillis) {
        this.windowMillis = windowMillis;
        this.generationStart = nowMillis;
    }

    /** Distinct hashes in the window. */
    long size() {
        return current.size() + previousOnly;
    }

    /** True if known; a hash known only from the previous generation is carried into the current one. */
    boolean touch(long hash, long nowMillis) {
        rotate(nowMillis);
        if (current.contains(hash)) {
            return true;
        }
        if (previous.contains(hash)) {
            current.add(hash);
            previousOnly--;
            return true;
        }
        return false;
    }

    void add(long hash) {
        current.add(hash);
    }

    private void rotate(long nowMillis) {
        if (nowMillis - generationStart < windowMillis) {
            return;
        }
        if (nowMillis - generationStart >= 2 * windowMillis) {
            previous = new LongSet();
        }
        else {
            previous = current;
        }
        previousOnly = previous.size();
        current = new LongSet();
        generationStart = nowMillis;
    }

    /** An open-addressing set of longs: 8 bytes a hash instead of a boxed Long and a map entry. */
    static final class LongSet {

        /** 0 marks a free slot, so the value 0 itself is remembered by a flag. */
        private long[] slots = new long[16];

        private int size;

        private boolean hasZero;

        int size() {
            return size + (hasZero ? 1 : 0);
        }

        boolean contains(long v) {
            if (v == 0) {
                return hasZero;
            }
            int mask = slots.length - 1;
            for (int i = spread(v) & mask;; i = (i + 1) & mask) {
                long s = slots[i];
                if (s == v) {
                    return true;
                }
                if (s == 0) {
                    return false;
                }
            }
        }

        void add(long v) {
            if (v == 0) {
                hasZero = true;
                return;
            }
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            if (insert(slots, v)) {
                size++;
            }
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (long v : old) {
                if (v != 0) {
                    insert(slots, v);
                }
            }
        }

        private static boolean insert(long[] table, long v) {
            int mask = table.length - 1;
            for (int i = spread(v) & mask;; i = (i + 1) & mask) {
                if (table[i] == v) {
                    return false;
                }
                if (table[i] == 0) {
                    table[i] = v;
                    return true;
                }
            }
        }

        private static int spread(long v) {
            return (int) (v ^ (v >>> 32)) * 0x9E3779B9;
        }
    }
}
