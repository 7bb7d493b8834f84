package io.basalt.tsdb;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link TsdbEngine}. Build with {@link #builder(Path)}; every invalid value is rejected with a
 * message naming the setting.
 *
 * @param dataPath directory holding the write-ahead log, partitions and snapshots
 * @param retention how long samples are kept; whole partitions older than this are dropped (partitions are UTC days
 *        up to 31 days of retention, UTC months above), and searches ignore older samples at once
 * @param futureRetention samples stamped more than this ahead of {@code clock} are dropped from an append (the rest
 *        of it is stored), as VictoriaMetrics drops samples more than two days ahead: a client with a wrong clock or
 *        unit would otherwise create partitions that retention only removes years later
 * @param fsync when the write-ahead log is forced to disk (acknowledged samples survive {@code kill -9} either way)
 * @param dedupInterval keep one sample per window of this length per series ({@code ZERO} disables, VictoriaMetrics'
 *        {@code -dedup.minScrapeInterval})
 * @param minFreeDiskSpaceBytes below this much usable space the engine turns read-only
 * @param headFlushInterval how often in-memory samples are written into parts (and the log is truncated)
 * @param maxHeadSamples flush early when the in-memory head holds this many samples
 * @param walSegmentBytes size at which the write-ahead log starts a new segment
 * @param freeSpaceCheckInterval how often free space is re-measured; {@code ZERO} measures on every append
 * @param backgroundTasks run flushes, merges, retention and free-space checks on a timer (off in some tests)
 * @param clock time source for retention and partition choice
 * @param freeSpaceProbe measures usable disk space
 */
public record EngineConfig(Path dataPath, Duration retention, Duration futureRetention, FsyncPolicy fsync, Duration dedupInterval,
        long minFreeDiskSpaceBytes, Duration headFlushInterval, long maxHeadSamples, long walSegmentBytes,
        Duration freeSpaceCheckInterval, boolean backgroundTasks, Clock clock, FreeSpaceProbe freeSpaceProbe) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);

    public static final Duration DEFAULT_FUTURE_RETENTION = Duration.ofDays(2);

    public static final long DEFAULT_MIN_FREE_DISK_SPACE_BYTES = 10L * 1024 * 1024;

    public EngineConfig {
        require(dataPath != null, "dataPath must be set");
        requirePositive(retention, "retentionPeriod");
        require(retention.compareTo(Duration.ofHours(1)) >= 0, "retentionPeriod must be at least 1h, got "
                + retention);
        requirePositive(futureRetention, "futureRetention");
        require(fsync != null, "fsync must be set ('always' or an interval)");
        require(dedupInterval != null && !dedupInterval.isNegative(),
                "dedup.minScrapeInterval must be zero (off) or positive, got " + dedupInterval);
        require(minFreeDiskSpaceBytes >= 0, "minFreeDiskSpaceBytes must be >= 0, got " + minFreeDiskSpaceBytes);
        requirePositive(headFlushInterval, "headFlushInterval");
        require(maxHeadSamples > 0, "maxHeadSamples must be > 0, got " + maxHeadSamples);
        require(walSegmentBytes >= 4096, "walSegmentBytes must be >= 4096, got " + walSegmentBytes);
        require(freeSpaceCheckInterval != null && !freeSpaceCheckInterval.isNegative(),
                "freeSpaceCheckInterval must be zero or positive, got " + freeSpaceCheckInterval);
        Objects.requireNonNull(clock, "clock must be set");
        Objects.requireNonNull(freeSpaceProbe, "freeSpaceProbe must be set");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requirePositive(Duration d, String name) {
        require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
    }

    public static Builder builder(Path dataPath) {
        return new Builder(dataPath);
    }

    public Builder toBuilder() {
        return new Builder(dataPath).retention(retention).futureRetention(futureRetention).fsync(fsync).dedupInterval(dedupInterval)
            .minFreeDiskSpaceBytes(minFreeDiskSpaceBytes).headFlushInterval(headFlushInterval)
            .maxHeadSamples(maxHeadSamples).walSegmentBytes(walSegmentBytes)
            .freeSpaceCheckInterval(freeSpaceCheckInterval).backgroundTasks(backgroundTasks).clock(clock)
            .freeSpaceProbe(freeSpaceProbe);
    }

    /** Defaults: 1y retention, samples up to 2 days ahead, fsync every 1 s, no dedup, 10 MiB disk floor, head flushed every minute. */
    public static final class Builder {

        private final Path dataPath;

        private Duration retention = DEFAULT_RETENTION;

        private Duration futureRetention = DEFAULT_FUTURE_RETENTION;

        private FsyncPolicy fsync = FsyncPolicy.DEFAULT;

        private Duration dedupInterval = Duration.ZERO;

        private long minFreeDiskSpaceBytes = DEFAULT_MIN_FREE_DISK_SPACE_BYTES;

        private Duration headFlushInterval = Duration.ofMinutes(1);

        private long maxHeadSamples = 4_000_000;

        private long walSegmentBytes = 64L * 1024 * 1024;

        private Duration freeSpaceCheckInterval = Duration.ofSeconds(1);

        private boolean backgroundTasks = true;

        private Clock clock = Clock.systemUTC();

        private FreeSpaceProbe freeSpaceProbe = FreeSpaceProbe.FILE_STORE;

        private Builder(Path dataPath) {
            this.dataPath = dataPath;
        }

        public Builder retention(Duration v) {
            retention = v;
            return this;
        }

        /** VictoriaMetrics syntax: {@code 12h}, {@code 30d}, {@code 4w}, {@code 1y}. */
        public Builder retention(String v) {
            retention = RetentionPeriod.parse(v);
            return this;
        }

        public Builder futureRetention(Duration v) {
            futureRetention = v;
            return this;
        }

        public Builder fsync(FsyncPolicy v) {
            fsync = v;
            return this;
        }

        public Builder dedupInterval(Duration v) {
            dedupInterval = v;
            return this;
        }

        public Builder minFreeDiskSpaceBytes(long v) {
            minFreeDiskSpaceBytes = v;
            return this;
        }

        public Builder headFlushInterval(Duration v) {
            headFlushInterval = v;
            return this;
        }

        public Builder maxHeadSamples(long v) {
            maxHeadSamples = v;
            return this;
        }

        public Builder walSegmentBytes(long v) {
            walSegmentBytes = v;
            return this;
        }

        public Builder freeSpaceCheckInterval(Duration v) {
            freeSpaceCheckInterval = v;
            return this;
        }

        public Builder backgroundTasks(boolean v) {
            backgroundTasks = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        public Builder freeSpaceProbe(FreeSpaceProbe v) {
            freeSpaceProbe = v;
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(dataPath, retention, futureRetention, fsync, dedupInterval, minFreeDiskSpaceBytes,
                    headFlushInterval, maxHeadSamples, walSegmentBytes, freeSpaceCheckInterval, backgroundTasks, clock,
                    freeSpaceProbe);
        }
    }
}
