package io.basalt.insert.repair;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A span of time compared as one unit: {@code [start, start + length)} in milliseconds. A block is closed (worth
 * comparing) once its end is older than the settle delay, so copies still owed by hinted handoff have landed.
 */
public record TimeBlock(long start, long length) {

    public long end() {
        return start + length;
    }

    /** The last millisecond inside the block, as search queries take inclusive bounds. */
    public long lastMillis() {
        return end() - 1;
    }

    /** Closed blocks, oldest first, whose end is within {@code lookback} of {@code closedBefore}. */
    public static List<TimeBlock> closed(long nowMillis, Duration length, Duration settle, Duration lookback) {
        long len = length.toMillis();
        long closedBefore = nowMillis - settle.toMillis();
        long lastEnd = Math.floorDiv(closedBefore, len) * len;
        long firstStart = Math.max(0, Math.floorDiv(lastEnd - lookback.toMillis(), len) * len);
        List<TimeBlock> out = new ArrayList<>();
        for (long s = firstStart; s + len <= lastEnd; s += len) {
            out.add(new TimeBlock(s, len));
        }
        return out;
    }
}
