package io.basalt.tsdb.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

/**
 * The optional last stage of a stream: zstd with per-thread contexts (a fresh context per call costs more than
 * compressing a small block). Payloads under 64 bytes rarely shrink under zstd, and a saving under 10% is not worth the
 * decode cost, so both stay raw.
 */
public final class ZstdStage {

    static final int MIN_INPUT = 64;

    private static final ThreadLocal<ZstdCompressCtx> COMPRESS = ThreadLocal.withInitial(() -> {
        ZstdCompressCtx ctx = new ZstdCompressCtx();
        ctx.setLevel(1);
        return ctx;
    });

    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESS = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    private ZstdStage() {
    }

    /** Compressed bytes, or {@code null} when compression does not pay off. */
    public static byte[] compressIfSmaller(byte[] src, int len, int rows) {
        if (len < MIN_INPUT) {
            return null;
        }
        ZstdCompressCtx ctx = COMPRESS.get();
        // Bigger blocks repay a higher level; small ones only pay its latency.
        ctx.setLevel(rows > 4096 ? 3 : 1);
        byte[] dst = new byte[(int) Zstd.compressBound(len)];
        int n = ctx.compressByteArray(dst, 0, dst.length, src, 0, len);
        if (n >= len - len / 10) {
            return null;
        }
        byte[] out = new byte[n];
        System.arraycopy(dst, 0, out, 0, n);
        return out;
    }

    public static byte[] decompress(byte[] src, int off, int len, int originalSize) {
        byte[] dst = new byte[originalSize];
        try {
            int n = DECOMPRESS.get().decompressByteArray(dst, 0, originalSize, src, off, len);
            if (n != originalSize) {
                throw new CorruptDataException("zstd produced " + n + " bytes, expected " + originalSize);
            }
        }
        catch (RuntimeException e) {
            if (e instanceof CorruptDataException c) {
                throw c;
            }
            throw new CorruptDataException("zstd stream does not decode: " + e.getMessage(), e);
        }
        return dst;
    }
}
