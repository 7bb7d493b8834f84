package io.basalt.tsdb.codec;

/**
 * Frames an encoded column: one byte holding the encoding kind (low 7 bits) and a zstd flag (high bit), then, when
 * compressed, the raw length as a uvarint before the zstd frame.
 */
final class StreamFraming {

    static final int ZSTD_FLAG = 0x80;

    private StreamFraming() {
    }

    /** Wraps {@code raw} (whose byte 0 is a placeholder for the kind) and returns the stored bytes. */
    static byte[] finish(int kind, BytesOut raw, int rows) {
        byte[] compressed = ZstdStage.compressIfSmaller(raw.array(), raw.size(), rows);
        if (compressed == null) {
            byte[] out = raw.toArray();
            out[0] = (byte) kind;
            return out;
        }
        BytesOut out = new BytesOut(compressed.length + 8);
        out.writeByte(kind | ZSTD_FLAG).writeUVarint(raw.size()).writeBytes(compressed);
        return out.toArray();
    }

    /** The raw payload with its kind byte at index 0, decompressing if needed. */
    static BytesIn open(byte[] stored) {
        if (stored.length == 0) {
            throw new CorruptDataException("empty column stream");
        }
        int kind = stored[0] & 0xFF;
        if ((kind & ZSTD_FLAG) == 0) {
            return new BytesIn(stored);
        }
        BytesIn header = new BytesIn(stored, 1, stored.length - 1);
        long rawLen = header.readUVarint();
        if (rawLen < 1 || rawLen > (1 << 28)) {
            throw new CorruptDataException("column raw length " + rawLen + " out of range");
        }
        byte[] raw = ZstdStage.decompress(stored, header.position(), header.remaining(), (int) rawLen);
        raw[0] = (byte) (kind & ~ZSTD_FLAG);
        return new BytesIn(raw);
    }
}
