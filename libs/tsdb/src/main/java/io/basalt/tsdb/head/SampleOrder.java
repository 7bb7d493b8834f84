package io.basalt.tsdb.head;

/** Puts samples that arrived in any order into time order, the last written of equal timestamps winning. */
final class SampleOrder {

    private static final int INSERTION_SORT_BELOW = 24;

    private SampleOrder() {
    }

    /**
     * Sorts {@code ts[0..size)} with {@code vs} alongside, stably, then keeps only the last of each run of equal
     * timestamps (the one written last). Returns the new size. O(n log n) whatever the arrival order, with a fast path
     * for data that is sorted except for its tail, as late samples usually are.
     */
    static int sortKeepingLast(long[] ts, double[] vs, int size) {
        int sortedPrefix = 1;
        while (sortedPrefix < size && ts[sortedPrefix - 1] <= ts[sortedPrefix]) {
            sortedPrefix++;
        }
        if (sortedPrefix < size) {
            long[] tBuf = new long[size];
            double[] vBuf = new double[size];
            mergeSort(ts, vs, tBuf, vBuf, sortedPrefix, size);
            merge(ts, vs, tBuf, vBuf, 0, sortedPrefix, size);
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (i + 1 < size && ts[i + 1] == ts[i]) {
                continue; // a later write of the same timestamp follows (stability keeps write order)
            }
            ts[n] = ts[i];
            vs[n++] = vs[i];
        }
        return n;
    }

    /** Sorts {@code [from, to)} stably, using the buffers as scratch space. */
    private static void mergeSort(long[] ts, double[] vs, long[] tBuf, double[] vBuf, int from, int to) {
        if (to - from < INSERTION_SORT_BELOW) {
            insertionSort(ts, vs, from, to);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(ts, vs, tBuf, vBuf, from, mid);
        mergeSort(ts, vs, tBuf, vBuf, mid, to);
        if (ts[mid - 1] > ts[mid]) {
            merge(ts, vs, tBuf, vBuf, from, mid, to);
        }
    }

    /** Merges the sorted runs {@code [from, mid)} and {@code [mid, to)}; on ties the left (earlier written) goes first. */
    private static void merge(long[] ts, double[] vs, long[] tBuf, double[] vBuf, int from, int mid, int to) {
        System.arraycopy(ts, from, tBuf, from, to - from);
        System.arraycopy(vs, from, vBuf, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            if (tBuf[j] < tBuf[i]) {
                ts[k] = tBuf[j];
                vs[k++] = vBuf[j++];
            }
            else {
                ts[k] = tBuf[i];
                vs[k++] = vBuf[i++];
            }
        }
        while (i < mid) {
            ts[k] = tBuf[i];
            vs[k++] = vBuf[i++];
        }
        while (j < to) {
            ts[k] = tBuf[j];
            vs[k++] = vBuf[j++];
        }
    }

    private static void insertionSort(long[] ts, double[] vs, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            long t = ts[i];
            double v = vs[i];
            int j = i - 1;
            while (j >= from && ts[j] > t) {
                ts[j + 1] = ts[j];
                vs[j + 1] = vs[j];
                j--;
            }
            ts[j + 1] = t;
            vs[j + 1] = v;
        }
    }
}
