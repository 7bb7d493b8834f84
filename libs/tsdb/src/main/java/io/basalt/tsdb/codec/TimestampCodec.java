package io.basalt.tsdb.codec;

/**
 * Encodes a block's timestamps. A regular scrape (constant step) costs two varints whatever the row count; a scrape
 * grid with a few late samples stores only the exceptions; anything else is delta-of-delta zig-zag varints, usually
 * zstd-compressed. Arithmetic wraps, so any sequence of longs (unsorted, duplicated, extreme) round-trips.
 */
public final class TimestampCodec {

    static final int CONST_STEP = 1;

    static final int DELTA_OF_DELTA = 2;

    static final int GRID_WITH_EXCEPTIONS = 3;

    private TimestampCodec() {
    }

    public static byte[] encode(long[] ts, int n) {
        if (n == 0) {
            throw new IllegalArgumentException("empty block");
        }
        BytesOut out = new BytesOut(16 + n * 2);
        out.writeByte(0);
        out.writeVarint(ts[0]);
        long step = n > 1 ? ts[1] - ts[0] : 0;
        boolean constStep = true;
        for (int i = 2; i < n && constStep; i++) {
            constStep = ts[i] - ts[i - 1] == step;
        }
        if (constStep) {
            out.writeVarint(step);
            byte[] bytes = out.toArray();
            bytes[0] = CONST_STEP;
            return bytes;
        }
        byte[] grid = gridWithExceptions(ts, n);
        long prevDelta = step;
        out.writeVarint(step);
        for (int i = 2; i < n; i++) {
            long delta = ts[i] - ts[i - 1];
            out.writeVarint(delta - prevDelta);
            prevDelta = delta;
        }
        byte[] dod = StreamFraming.finish(DELTA_OF_DELTA, out, n);
        return grid != null && grid.length < dod.length ? grid : dod;
    }

    /**
     * Timestamps as {@code first + i * step} plus (index gap, deviation) pairs where they differ, with the step taken
     * as the most common delta; null when more than a quarter of the rows deviate.
     */
    private static byte[] gridWithExceptions(long[] ts, int n) {
        long step = commonDelta(ts, n);
        int limit = n / 4;
        BytesOut pairs = new BytesOut(16 + limit * 3);
        int exceptions = 0;
        int last = 0;
        for (int i = 1; i < n; i++) {
            long dev = ts[i] - (ts[0] + i * step);
            if (dev != 0) {
                if (++exceptions > limit) {
                    return null;
                }
                pairs.writeUVarint(i - last).writeVarint(dev);
                last = i;
            }
        }
        BytesOut out = new BytesOut(pairs.size() + 24);
        out.writeByte(GRID_WITH_EXCEPTIONS).writeVarint(ts[0]).writeVarint(step).writeUVarint(exceptions);
        return out.writeBytes(pairs.array(), 0, pairs.size()).toArray();
    }

    private static long commonDelta(long[] ts, int n) {
        // A majority vote is enough: on a scrape grid most deltas equal the interval.
        long candidate = 0;
        int votes = 0;
        for (int i = 1; i < n; i++) {
            long d = ts[i] - ts[i - 1];
            if (votes == 0) {
                candidate = d;
                votes = 1;
            }
            else {
                votes += d == candidate ? 1 : -1;
            }
        }
        return candidate;
    }

    public static long[] decode(byte[] stored, int n) {
        BytesIn in = StreamFraming.open(stored);
        int kind = in.readByte();
        long[] ts = new long[n];
        if (n == 0) {
            return ts;
        }
        ts[0] = in.readVarint();
        switch (kind) {
            case CONST_STEP -> {
                long step = in.readVarint();
                for (int i = 1; i < n; i++) {
                    ts[i] = ts[i - 1] + step;
                }
            }
            case DELTA_OF_DELTA -> {
                long delta = in.readVarint();
                if (n > 1) {
                    ts[1] = ts[0] + delta;
                }
                for (int i = 2; i < n; i++) {
                    delta += in.readVarint();
                    ts[i] = ts[i - 1] + delta;
                }
            }
            case GRID_WITH_EXCEPTIONS -> {
                long step = in.readVarint();
                long exceptions = in.readUVarint();
                if (exceptions < 0 || exceptions >= n) {
                    throw new CorruptDataException("timestamp exception count " + exceptions + " out of range");
                }
                for (int i = 1; i < n; i++) {
                    ts[i] = ts[0] + i * step;
                }
                int at = 0;
                for (int e = 0; e < exceptions; e++) {
                    long gap = in.readUVarint();
                    if (gap < 1 || at + gap >= n) {
                        throw new CorruptDataException("timestamp exception index out of range");
                    }
                    at += (int) gap;
                    ts[at] += in.readVarint();
                }
            }
            default -> throw new CorruptDataException("unknown timestamp encoding " + kind);
        }
        return ts;
    }
}
