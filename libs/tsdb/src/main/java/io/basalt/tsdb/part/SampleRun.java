package io.basalt.tsdb.part;

import java.util.Arrays;

/** Samples of one series sorted by timestamp with no timestamp repeated. */
public record SampleRun(long[] timestamps, double[] values, int size) {

    public static final SampleRun EMPTY = new SampleRun(new long[0], new double[0], 0);

    /** Merges two runs; on an equal timestamp {@code newer} wins (last write wins). */
    public static SampleRun merge(SampleRun older, SampleRun newer) {
        if (older.size == 0) {
            return newer;
        }
        if (newer.size == 0) {
            return older;
        }
        long[] ts = new long[older.size + newer.size];
        double[] vs = new double[ts.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < older.size || j < newer.size) {
            if (j == newer.size || (i < older.size && older.timestamps[i] < newer.timestamps[j])) {
                ts[n] = older.timestamps[i];
                vs[n++] = older.values[i++];
            }
            else {
                if (i < older.size && older.timestamps[i] == newer.timestamps[j]) {
                    i++;
                }
                ts[n] = newer.timestamps[j];
                vs[n++] = newer.values[j++];
            }
        }
        return new SampleRun(ts, vs, n);
    }

    /** The samples in {@code [minTime, maxTime]}. */
    public SampleRun window(long minTime, long maxTime) {
        int from = lowerBound(minTime);
        int to = lowerBound(maxTime == Long.MAX_VALUE ? maxTime : maxTime + 1);
        if (maxTime == Long.MAX_VALUE) {
            to = size;
        }
        if (from == 0 && to == size) {
            return this;
        }
        return new SampleRun(Arrays.copyOfRange(timestamps, from, to), Arrays.copyOfRange(values, from, to),
                Math.max(0, to - from));
    }

    private int lowerBound(long t) {
        return lowerBound(timestamps, size, t);
    }

    /** The first index in sorted {@code timestamps[0..size)} whose timestamp is at least {@code t}. */
    public static int lowerBound(long[] timestamps, int size, long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < t) {
                lo = mid + 1;
            }
            else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Keeps one sample per {@code interval}-aligned window {@code (k*interval - interval, k*interval]}, the last one,
     * as VictoriaMetrics' {@code -dedup.minScrapeInterval} does.
     */
    public SampleRun deduplicate(long interval) {
        if (interval <= 0 || size < 2) {
            return this;
        }
        long[] ts = new long[size];
        double[] vs = new double[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            boolean lastInWindow = i == size - 1 || windowOf(timestamps[i + 1], interval)
                    != windowOf(timestamps[i], interval);
            if (lastInWindow) {
                ts[n] = timestamps[i];
                vs[n++] = values[i];
            }
        }
        return n == size ? this : new SampleRun(ts, vs, n);
    }

    private static long windowOf(long t, long interval) {
        return Math.floorDiv(t - 1, interval);
    }

    public long minTime() {
        return timestamps[0];
    }

    public long maxTime() {
        return timestamps[size - 1];
    }
}
