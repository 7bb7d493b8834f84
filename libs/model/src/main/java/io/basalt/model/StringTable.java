package io.basalt.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A process-wide, lossy intern table for label names and values decoded from UTF-8 bytes. Millions of series repeat a
 * few hundred names and values ({@code __name__}, {@code job="node"}, {@code mode="idle"}); decoding each into its own
 * {@code String} costs an allocation per label on ingest and about half of what a storage node holds per series. A
 * slot keeps the last string decoded for its hash, so a hit allocates nothing and a miss costs what decoding did
 * before. Only ASCII strings are kept (nearly all label names and values are). Nothing is ever evicted on purpose and nothing grows: a label with millions of distinct values only churns
 * its slots.
 */
public final class StringTable {

    private static final int SLOTS = 1 << 15;

    /** Longer strings are rarely repeated and would pin memory in the table. */
    private static final int MAX_BYTES = 96;

    /** One immutable pair, so that a thread reading a slot never sees one string with another's bytes. */
    private record Entry(String string, byte[] utf8) {
    }

    private static final Entry[] TABLE = new Entry[SLOTS];

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private StringTable() {
    }

    /** The string of {@code len} UTF-8 bytes at {@code off}, shared with earlier calls for the same bytes if it can. */
    public static String decode(byte[] buf, int off, int len) {
        String s = ascii(buf, off, len);
        return s != null ? s : new String(buf, off, len, StandardCharsets.UTF_8);
    }

    /**
     * The string of {@code len} bytes at {@code off} when they are all ASCII (so valid UTF-8 too), shared with earlier
     * calls for the same bytes if it can; {@code null} when some byte is not ASCII. Only ASCII strings enter the table.
     */
    public static String ascii(byte[] buf, int off, int len) {
        if (len == 0) {
            return "";
        }
        // Eight bytes at a time: one pass both hashes and checks for non-ASCII bytes (their high bit).
        long h = len;
        long high = 0;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long word = (long) LONGS.get(buf, i);
            high |= word;
            h = (h ^ word) * 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (buf[i] & 0xFFL) << shift;
        }
        high |= tail;
        if ((high & 0x8080808080808080L) != 0) {
            return null;
        }
        h = (h ^ tail) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        if (len > MAX_BYTES) {
            return new String(buf, off, len, StandardCharsets.US_ASCII);
        }
        int slot = (int) (h ^ (h >>> 32)) & (SLOTS - 1);
        Entry e = TABLE[slot]; // a racy read is safe: Entry and String publish through final fields
        if (e != null && Arrays.equals(e.utf8, 0, e.utf8.length, buf, off, off + len)) {
            return e.string;
        }
        String s = new String(buf, off, len, StandardCharsets.US_ASCII);
        TABLE[slot] = new Entry(s, Arrays.copyOfRange(buf, off, off + len));
        return s;
    }
}
