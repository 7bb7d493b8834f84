package io.basalt.tsdb.head;

import io.basalt.tsdb.part.SampleRun;
import java.util.Arrays;

/**
 * The unflushed samples of one series, compressed as they arrive, as Gorilla (Pelkonen et al., VLDB 2015) and
 * Prometheus' head chunks do: a timestamp costs its delta-of-delta (one bit for a regular scrape), a value its XOR
 * with the previous value (one bit when unchanged, a dozen or so for a counter's step). A scrape-regular series holds
 * about two bytes per sample instead of sixteen, which is what keeps a node's head, and the collector's copying of
 * it, small.
 *
 * <p>Samples are appended in arrival order; the deltas are signed, so a late or repeated sample is encoded like any
 * other. Such a sample clears {@link #sorted}, and the next read decodes, sorts (the last written of equal timestamps
 * wins) and re-encodes, so out-of-order data costs a sort per read, never a shift per sample. Not thread-safe: {@link
 * Head} locks each series.
 */
final class SeriesChunk {

    private static final int MIN_CAPACITY = 16;

    /** The bit stream, most significant bit first. */
    private byte[] bits = new byte[MIN_CAPACITY];

    private int bitLength;

    private int count;

    private long lastTimestamp;

    private long lastDelta;

    private long lastValueBits;

    /** Leading and trailing zero bits of the XOR window values are stored in; -1 before the first window. */
    private byte leading = -1;

    private byte trailing;

    private boolean sorted = true;

    int count() {
        return count;
    }

    boolean isSorted() {
        return sorted;
    }

    /** Bytes held by this series' samples, for accounting. */
    int capacityBytes() {
        return bits.length;
    }

    void append(long timestamp, double value) {
        long valueBits = Double.doubleToRawLongBits(value);
        if (count == 0) {
            write(timestamp, 64);
            write(valueBits, 64);
        }
        else {
            if (timestamp <= lastTimestamp) {
                sorted = false;
            }
            long delta = timestamp - lastTimestamp;
            writeDeltaOfDelta(delta - lastDelta);
            lastDelta = delta;
            writeXor(valueBits ^ lastValueBits);
        }
        lastTimestamp = timestamp;
        lastValueBits = valueBits;
        count++;
    }

    /** Every sample in arrival order (not deduplicated, not sorted unless {@link #isSorted}). */
    SampleRun decode() {
        long[] ts = new long[count];
        double[] vs = new double[count];
        if (count == 0) {
            return new SampleRun(ts, vs, 0);
        }
        Reader r = new Reader(bits);
        long t = r.read(64);
        long v = r.read(64);
        ts[0] = t;
        vs[0] = Double.longBitsToDouble(v);
        long delta = 0;
        int lead = 0;
        int trail = 0;
        for (int i = 1; i < count; i++) {
            delta += r.readDeltaOfDelta();
            t += delta;
            ts[i] = t;
            if (r.read(1) != 0) {
                if (r.read(1) != 0) {
                    lead = (int) r.read(5);
                    int significant = (int) r.read(6) + 1;
                    trail = 64 - lead - significant;
                }
                v ^= r.read(64 - lead - trail) << trail;
            }
            vs[i] = Double.longBitsToDouble(v);
        }
        return new SampleRun(ts, vs, count);
    }

    /**
     * Sorts and deduplicates when samples arrived out of order, re-encoding them in time order. Returns the change in
     * the number of samples held (zero or negative).
     */
    int normalize() {
        if (sorted) {
            return 0;
        }
        SampleRun all = decode();
        int before = count;
        int size = SampleOrder.sortKeepingLast(all.timestamps(), all.values(), count);
        bits = new byte[Math.max(MIN_CAPACITY, bits.length)];
        bitLength = 0;
        count = 0;
        lastDelta = 0;
        leading = -1;
        trailing = 0;
        sorted = true;
        for (int i = 0; i < size; i++) {
            append(all.timestamps()[i], all.values()[i]);
        }
        return size - before;
    }

    /**
     * Delta-of-delta in prefix-coded buckets: '0' for zero (a regular scrape), then 7, 14 and 24 signed bits, then the
     * full 64 bits for anything larger (the first delta of a series, clock jumps, late samples).
     */
    private void writeDeltaOfDelta(long dod) {
        if (dod == 0) {
            write(0, 1);
        }
        else if (fits(dod, 7)) {
            write(0b10, 2);
            write(dod, 7);
        }
        else if (fits(dod, 14)) {
            write(0b110, 3);
            write(dod, 14);
        }
        else if (fits(dod, 24)) {
            write(0b1110, 4);
            write(dod, 24);
        }
        else {
            write(0b1111, 4);
            write(dod, 64);
        }
    }

    private static boolean fits(long v, int bitsWide) {
        long bound = 1L << (bitsWide - 1);
        return v >= -bound && v < bound;
    }

    /** Gorilla's value encoding: '0' unchanged, '10' within the previous window, '11' + new window. */
    private void writeXor(long x) {
        if (x == 0) {
            write(0, 1);
            return;
        }
        int lead = Math.min(31, Long.numberOfLeadingZeros(x));
        int trail = Long.numberOfTrailingZeros(x);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            write(0b10, 2);
            write(x >>> trailing, 64 - leading - trailing);
            return;
        }
        int significant = 64 - lead - trail;
        write(0b11, 2);
        write(lead, 5);
        write(significant - 1, 6);
        write(x >>> trail, significant);
        leading = (byte) lead;
        trailing = (byte) trail;
    }

    /** Appends the low {@code n} bits of {@code v} (1..64). */
    private void write(long v, int n) {
        int needed = (bitLength + n + 7) >>> 3;
        if (needed > bits.length) {
            bits = Arrays.copyOf(bits, Math.max(needed, bits.length + (bits.length >>> 1)));
        }
        int remaining = n;
        while (remaining > 0) {
            int byteIndex = bitLength >>> 3;
            int free = 8 - (bitLength & 7);
            int take = Math.min(free, remaining);
            int chunk = (int) ((v >>> (remaining - take)) & ((1 << take) - 1));
            bits[byteIndex] |= (byte) (chunk << (free - take));
            bitLength += take;
            remaining -= take;
        }
    }

    /** Reads a stream written by {@link #write}. */
    private static final class Reader {

        private final byte[] bits;

        private int position;

        Reader(byte[] bits) {
            this.bits = bits;
        }

        long read(int n) {
            long v = 0;
            int remaining = n;
            while (remaining > 0) {
                int available = 8 - (position & 7);
                int take = Math.min(available, remaining);
                int b = bits[position >>> 3] & 0xFF;
                int chunk = (b >>> (available - take)) & ((1 << take) - 1);
                v = (v << take) | chunk;
                position += take;
                remaining -= take;
            }
            return v;
        }

        long readDeltaOfDelta() {
            if (read(1) == 0) {
                return 0;
            }
            if (read(1) == 0) {
                return signed(read(7), 7);
            }
            if (read(1) == 0) {
                return signed(read(14), 14);
            }
            if (read(1) == 0) {
                return signed(read(24), 24);
            }
            return read(64);
        }

        private static long signed(long v, int bitsWide) {
            return (v << (64 - bitsWide)) >> (64 - bitsWide);
        }
    }
}
