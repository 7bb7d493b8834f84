package io.basalt.tsdb.head;

import io.basalt.tsdb.part.SampleRun;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * Recent samples of one time partition. Series are found by their dense id in pages of slots (no boxing, no hashing).
 * Each series keeps its samples compressed as they arrive ({@link SeriesChunk}) and sorts only when it is read after
 * a sample arrived out of order, so late or reversed samples cost a sort per read rather than a shift per sample. A
 * repeated timestamp keeps the value written last (last write wins).
 */
public final class Head {

    private static final int PAGE_BITS = 10;

    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private volatile AtomicReferenceArray<AtomicReferenceArray<Series>> pages = new AtomicReferenceArray<>(16);

    private final AtomicLong samples = new AtomicLong();

    private final AtomicLong seriesCount = new AtomicLong();

    /**
     * Adds samples; returns true when they reach a UTC day this head had not yet reported for the series (always on
     * its first samples), so the caller indexes the series for {@code [minDay(ts), maxDay(ts)]} about once per day.
     */
    public boolean add(int id, long[] ts, double[] vs, int off, int len, long firstDay, long lastDay) {
        AtomicReferenceArray<Series> page = page(id >>> PAGE_BITS);
        int slot = id & (PAGE_SIZE - 1);
        Series s = page.get(slot);
        if (s == null) {
            Series fresh = new Series();
            s = page.compareAndExchange(slot, null, fresh);
            if (s == null) {
                s = fresh;
                seriesCount.incrementAndGet();
            }
        }
        return s.add(ts, vs, off, len, firstDay, lastDay, samples);
    }

    /** The samples of series {@code id} in {@code [minTime, maxTime]}, decoded into arrays of their own. */
    public SampleRun read(int id, long minTime, long maxTime) {
        Series s = find(id);
        return s == null ? SampleRun.EMPTY : s.window(minTime, maxTime, samples);
    }

    public boolean isEmpty() {
        return seriesCount.get() == 0;
    }

    /** Samples held, counting a repeated timestamp until a read merges it. */
    public long samples() {
        return samples.get();
    }

    public int seriesCount() {
        return (int) seriesCount.get();
    }

    public void forEachId(IntConsumer action) {
        var all = pages;
        for (int p = 0; p < all.length(); p++) {
            var page = all.get(p);
            if (page == null) {
                continue;
            }
            for (int slot = 0; slot < PAGE_SIZE; slot++) {
                if (page.get(slot) != null) {
                    action.accept((p << PAGE_BITS) | slot);
                }
            }
        }
    }

    private Series find(int id) {
        var all = pages;
        int p = id >>> PAGE_BITS;
        if (p >= all.length()) {
            return null;
        }
        var page = all.get(p);
        return page == null ? null : page.get(id & (PAGE_SIZE - 1));
    }

    private AtomicReferenceArray<Series> page(int index) {
        var all = pages;
        if (index < all.length()) {
            var page = all.get(index);
            if (page != null) {
                return page;
            }
        }
        return createPage(index);
    }

    /** Table growth and page creation share this lock, so no page set in a table being replaced is lost. */
    private synchronized AtomicReferenceArray<Series> createPage(int index) {
        var all = pages;
        if (index >= all.length()) {
            var bigger = new AtomicReferenceArray<AtomicReferenceArray<Series>>(Math.max(index + 1, all.length() * 2));
            for (int i = 0; i < all.length(); i++) {
                bigger.set(i, all.get(i));
            }
            pages = bigger;
            all = bigger;
        }
        var page = all.get(index);
        if (page == null) {
            page = new AtomicReferenceArray<>(PAGE_SIZE);
            all.set(index, page);
        }
        return page;
    }

    private static final class Series {

        private final SeriesChunk chunk = new SeriesChunk();

        private long reportedFirstDay = Long.MAX_VALUE;

        private long reportedLastDay = Long.MIN_VALUE;

        synchronized boolean add(long[] t, double[] v, int off, int len, long firstDay, long lastDay,
                AtomicLong total) {
            for (int i = off; i < off + len; i++) {
                chunk.append(t[i], v[i]);
            }
            total.addAndGet(len);
            if (firstDay >= reportedFirstDay && lastDay <= reportedLastDay) {
                return false;
            }
            reportedFirstDay = Math.min(reportedFirstDay, firstDay);
            reportedLastDay = Math.max(reportedLastDay, lastDay);
            return true;
        }

        synchronized SampleRun window(long minTime, long maxTime, AtomicLong total) {
            if (!chunk.isSorted()) {
                total.addAndGet(chunk.normalize());
            }
            return chunk.decode().window(minTime, maxTime);
        }
    }
}
