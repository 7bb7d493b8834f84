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

    private static final class BitWriter {

        private byte[] buf;

        private int bitPos;

        BitWriter(int capacityBytes) {
            buf = new byte[capacityBytes];
        }

        void write(long value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                int byteIndex = bitPos >>> 3;
                if (byteIndex == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                if (((value >>> i) & 1) != 0) {
                    buf[byteIndex] |= (byte) (0x80 >>> (bitPos & 7));
                }
                bitPos++;
            }
        }

        void flushTo(BytesOut out) {
            out.writeBytes(buf, 0, (bitPos + 7) >>> 3);
        }
    }

    private static final class BitReader {

        private final BytesIn in;

        private int current;

        private int bitsLeft;

        BitReader(BytesIn in) {
            this.in = in;
        }

        long read(int count) {
            long v = 0;
            for (int i = 0; i < count; i++) {
                if (bitsLeft == 0) {
                    current = in.readByte();
                    bitsLeft = 8;
                }
                bitsLeft--;
                v = (v << 1) | ((current >>> bitsLeft) & 1);
            }
            return v;
        }
    }
}
