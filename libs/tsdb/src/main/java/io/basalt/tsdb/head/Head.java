package io.basalt.tsdb.head;

import io.basalt.tsdb.part.SampleRun;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Recent samples of one time partition, per series kept sorted and unique by timestamp so reads are a copy. Late
 * samples are inserted in place; a repeated timestamp replaces the value (last write wins).
 */
public final class Head {

    private final ConcurrentHashMap<Integer, Series> series = new ConcurrentHashMap<>();

    private final AtomicLong samples = new AtomicLong();

    /**
     * Adds samples; returns true when they reach a UTC day this head had not yet reported for the series (always on
     * its first samples), so the caller indexes the series for {@code [minDay(ts), maxDay(ts)]} about once per day.
     */
    public boolean add(int id, long[] ts, double[] vs, int off, int len, long firstDay, long lastDay) {
        Series s = series.get(id);
        if (s == null) {
            Series fresh = new Series();
            s = series.putIfAbsent(id, fresh);
            s = s == null ? fresh : s;
        }
        return s.add(ts, vs, off, len, firstDay, lastDay, samples);
    }

    public SampleRun read(int id, long minTime, long maxTime) {
        Series s = series.get(id);
        return s == null ? SampleRun.EMPTY : s.snapshot().window(minTime, maxTime);
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public long samples() {
        return samples.get();
    }

    public int seriesCount() {
        return series.size();
    }

    public void forEachId(IntConsumer action) {
        series.keySet().forEach(action::accept);
    }

    private static final class Series {

        private long[] ts = new long[8];

        private double[] vs = new double[8];

        private int size;

        private long reportedFirstDay = Long.MAX_VALUE;

        private long reportedLastDay = Long.MIN_VALUE;

        synchronized boolean add(long[] t, double[] v, int off, int len, long firstDay, long lastDay,
                AtomicLong total) {
            int added = 0;
            for (int i = off; i < off + len; i++) {
                added += insert(t[i], v[i]);
            }
            total.addAndGet(added);
            if (firstDay >= reportedFirstDay && lastDay <= reportedLastDay) {
                return false;
            }
            reportedFirstDay = Math.min(reportedFirstDay, firstDay);
            reportedLastDay = Math.max(reportedLastDay, lastDay);
            return true;
        }

        private int insert(long t, double v) {
            if (size == 0 || t > ts[size - 1]) {
                grow();
                ts[size] = t;
                vs[size++] = v;
                return 1;
            }
            int pos = Arrays.binarySearch(ts, 0, size, t);
            if (pos >= 0) {
                vs[pos] = v;
                return 0;
            }
            pos = -pos - 1;
            grow();
            System.arraycopy(ts, pos, ts, pos + 1, size - pos);
            System.arraycopy(vs, pos, vs, pos + 1, size - pos);
            ts[pos] = t;
            vs[pos] = v;
            size++;
            return 1;
        }

        private void grow() {
            if (size == ts.length) {
                ts = Arrays.copyOf(ts, size * 2);
                vs = Arrays.copyOf(vs, size * 2);
            }
        }

        synchronized SampleRun snapshot() {
            return new SampleRun(Arrays.copyOf(ts, size), Arrays.copyOf(vs, size), size);
        }
    }
}
