package io.basalt.tsdb.codec;

/**
 * Encodes a block's timestamps. A regular scrape (constant step) costs two varints whatever the row count; anything
 * else is delta-of-delta zig-zag varints, usually zstd-compressed. Arithmetic wraps, so any sequence of longs
 * (unsorted, duplicated, extreme) round-trips.
 */
public final class TimestampCodec {

    static final int CONST_STEP = 1;

    static final int DELTA_OF_DELTA = 2;

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
        long prevDelta = step;
        out.writeVarint(step);
        for (int i = 2; i < n; i++) {
            long delta = ts[i] - ts[i - 1];
            out.writeVarint(delta - prevDelta);
            prevDelta = delta;
        }
        return StreamFraming.finish(DELTA_OF_DELTA, out, n);
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
            default -> throw new CorruptDataException("unknown timestamp encoding " + kind);
        }
        return ts;
    }
}
