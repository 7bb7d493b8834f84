package io.basalt.tsdb.index;

/** A stable merge sort of series keys that moves their ids along, so that ordering ids by key boxes nothing. */
final class KeyOrder {

    private static final int INSERTION_SORT_BELOW = 16;

    private KeyOrder() {
    }

    static void sort(SeriesKey[] keys, int[] ids) {
        int n = keys.length;
        if (n < 2) {
            return;
        }
        SeriesKey[] keyBuf = keys.clone();
        int[] idBuf = ids.clone();
        sort(keyBuf, idBuf, keys, ids, 0, n);
    }

    /** Sorts {@code [from, to)} of {@code src} into the same range of {@code dst}; both start with equal contents. */
    private static void sort(SeriesKey[] srcKeys, int[] srcIds, SeriesKey[] dstKeys, int[] dstIds, int from, int to) {
        if (to - from < INSERTION_SORT_BELOW) {
            for (int i = from + 1; i < to; i++) {
                SeriesKey k = dstKeys[i];
                int id = dstIds[i];
                int j = i - 1;
                while (j >= from && dstKeys[j].compareTo(k) > 0) {
                    dstKeys[j + 1] = dstKeys[j];
                    dstIds[j + 1] = dstIds[j];
                    j--;
                }
                dstKeys[j + 1] = k;
                dstIds[j + 1] = id;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(dstKeys, dstIds, srcKeys, srcIds, from, mid);
        sort(dstKeys, dstIds, srcKeys, srcIds, mid, to);
        if (srcKeys[mid - 1].compareTo(srcKeys[mid]) <= 0) {
            System.arraycopy(srcKeys, from, dstKeys, from, to - from);
            System.arraycopy(srcIds, from, dstIds, from, to - from);
            return;
        }
        for (int i = from, p = from, q = mid; i < to; i++) {
            if (q >= to || (p < mid && srcKeys[p].compareTo(srcKeys[q]) <= 0)) {
                dstKeys[i] = srcKeys[p];
                dstIds[i] = srcIds[p++];
            }
            else {
                dstKeys[i] = srcKeys[q];
                dstIds[i] = srcIds[q++];
            }
        }
    }
}
