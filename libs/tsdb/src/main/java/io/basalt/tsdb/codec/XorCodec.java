package io.basalt.tsdb.codec;

/**
 * Gorilla's float compression (Pelkonen et al., VLDB 2015): each value is XORed with the previous one and only the
 * meaningful bits are kept. It is exact for every bit pattern, so it is the fallback for blocks the decimal path
 * cannot take (NaN payloads such as the staleness marker, infinities, -0.0, full-precision floats).
 */
final class XorCodec {

    private XorCodec() {
    }

    static void encode(long[] bits, int n, BytesOut out) {
        BitWriter w = new BitWriter(n * 2 + 16);
        long prev = bits[0];
        w.write(prev, 64);
        int prevLeading = -1;
        int prevTrailing = 0;
        for (int i = 1; i < n; i++) {
            long x = bits[i] ^ prev;
            prev = bits[i];
            if (x == 0) {
                w.write(0, 1);
                continue;
            }
            int leading = Math.min(31, Long.numberOfLeadingZeros(x));
            int trailing = Long.numberOfTrailingZeros(x);
            if (prevLeading >= 0 && leading >= prevLeading && trailing >= prevTrailing) {
                w.write(0b10, 2);
                w.write(x >>> prevTrailing, 64 - prevLeading - prevTrailing);
            }
            else {
                int significant = 64 - leading - trailing;
                w.write(0b11, 2);
                w.write(leading, 5);
                w.write(significant & 63, 6); // 64 significant bits is stored as 0
                w.write(x >>> trailing, significant);
                prevLeading = leading;
                prevTrailing = trailing;
            }
        }
        w.flushTo(out);
    }

    static void decode(BytesIn in, int n, long[] bits) {
        BitReader r = new BitReader(in);
        long prev = r.read(64);
        bits[0] = prev;
        int leading = 0;
        int trailing = 0;
        for (int i = 1; i < n; i++) {
            if (r.read(1) == 0) {
                bits[i] = prev;
                continue;
            }
            if (r.read(1) == 1) {
                leading = (int) r.read(5);
                int significant = (int) r.read(6);
                if (significant == 0) {
                    significant = 64;
                }
                trailing = 64 - leading - significant;
                if (trailing < 0) {
                    throw new CorruptDataException("xor window out of range");
                }
            }
            long x = r.read(64 - leading - trailing) << trailing;
            prev ^= x;
            bits[i] = prev;
        }
    }

    /** Packs bits most-significant first through a 64-bit accumulator. */
    private static final class BitWriter {

        private byte[] buf;

        private int size;

        private long acc;

        private int accBits;

        BitWriter(int capacityBytes) {
            buf = new byte[Math.max(16, capacityBytes)];
        }

        void write(long value, int count) {
            if (count == 0) {
                return;
            }
            if (count < 64) {
                value &= (1L << count) - 1;
            }
            int free = 64 - accBits;
            if (count <= free) {
                acc = count == 64 ? value : (acc << count) | value;
                accBits += count;
            }
            else {
                int high = count - free;
                acc = free == 0 ? acc : (acc << free) | (value >>> high);
                accBits = 64;
                drain();
                acc = value & ((1L << high) - 1);
                accBits = high;
            }
            if (accBits >= 56) {
                drainWholeBytes();
            }
        }

        private void drain() {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (acc >>> shift);
            }
            acc = 0;
            accBits = 0;
        }

        private void drainWholeBytes() {
            ensure(8);
            while (accBits >= 8) {
                accBits -= 8;
                buf[size++] = (byte) (acc >>> accBits);
            }
            acc = accBits == 0 ? 0 : acc & ((1L << accBits) - 1);
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        void flushTo(BytesOut out) {
            drainWholeBytes();
            if (accBits > 0) {
                ensure(1);
                buf[size++] = (byte) (acc << (8 - accBits));
            }
            out.writeBytes(buf, 0, size);
        }
    }

    private static final class BitReader {

        private final BytesIn in;

        private long acc;

        private int accBits;

        BitReader(BytesIn in) {
            this.in = in;
        }

        long read(int count) {
            long v = 0;
            int need = count;
            while (need > 0) {
                if (accBits == 0) {
                    acc = in.readByte();
                    accBits = 8;
                }
                int take = Math.min(need, accBits);
                long bits = (acc >>> (accBits - take)) & ((1L << take) - 1);
                v = take == 64 ? bits : (v << take) | bits;
                accBits -= take;
                need -= take;
            }
            return v;
        }
    }
}
