package io.basalt.tsdb;

import java.time.Duration;

/**
 * When the write-ahead log is forced to stable storage. Either way an append returns only after its bytes were
 * written to the OS, which is what survives {@code kill -9}; the fsync policy only matters for power loss.
 *
 * @param interval how often a background thread forces the log; {@link Duration#ZERO} means before every ack
 */
public record FsyncPolicy(Duration interval) {

    public static final FsyncPolicy ALWAYS = new FsyncPolicy(Duration.ZERO);

    public static final FsyncPolicy DEFAULT = new FsyncPolicy(Duration.ofSeconds(1));

    public FsyncPolicy {
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("fsync interval must be zero (always) or positive, got " + interval);
        }
    }

    public static FsyncPolicy every(Duration interval) {
        return new FsyncPolicy(interval);
    }

    /** Parses {@code always} or a duration such as {@code 1s}, {@code 500ms}, {@code 2m}. */
    public static FsyncPolicy parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("fsync policy must be 'always' or a duration like '1s'");
        }
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("always")) {
            return ALWAYS;
        }
        try {
            return every(RetentionPeriod.parseShortDuration(t));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fsync policy must be 'always' or a duration like '1s', got '" + text
                    + "'");
        }
    }

    public boolean always() {
        return interval.isZero();
    }

    @Override
    public String toString() {
        return always() ? "always" : interval.toString();
    }
}
