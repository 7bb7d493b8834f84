package io.basalt.storage.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Settings of a storage node ({@code basalt.storage.*}); a wrong value stops the node at start. */
@Validated
@ConfigurationProperties("basalt.storage")
public class StorageProperties {

    /** Directory holding this node's write-ahead log, parts and snapshots. */
    @NotBlank
    private String dataPath = "./data/storage";

    /** How long samples are kept: a number with unit h, d, w or y (VictoriaMetrics' syntax), e.g. 1y, 30d. */
    @NotBlank
    @Pattern(regexp = "\\d+[hdwy]", message = "must be a whole number with unit h, d, w or y, e.g. 1y, 90d, 12h")
    private String retentionPeriod = "1y";

    /**
     * Samples stamped more than this ahead of the node's clock are dropped from an insert (counted in
     * {@code basalt_storage_rows_rejected_total{reason="too_far_in_future"}}); the rest of the insert is stored.
     */
    @NotNull
    private Duration futureRetention = Duration.ofDays(2);

    /** Insert requests processed at once; more wait up to insertQueueDuration, then get 503. */
    @Min(1)
    private int maxConcurrentInserts = 16;

    /** Search requests processed at once; more wait up to selectQueueDuration, then get 503. */
    @Min(1)
    private int maxConcurrentSelects = 16;

    /** Longest time an insert waits for a free slot. */
    @NotNull
    private Duration insertQueueDuration = Duration.ofSeconds(10);

    /** Longest time a search waits for a free slot. */
    @NotNull
    private Duration selectQueueDuration = Duration.ofSeconds(10);

    /** Below this much free disk space the node stops accepting inserts (503) and keeps serving reads. */
    @Min(0)
    private long minFreeDiskSpaceBytes = 100L * 1024 * 1024;

    /**
     * When the write-ahead log is forced to disk: {@code always} (every insert, before it is acknowledged) or an
     * interval such as {@code 1s}. Acknowledged samples survive a process crash either way; this bounds what a power
     * loss can take.
     */
    @NotBlank
    private String fsync = "1s";

    /** Keep one sample per series in each interval of this length; 0 turns deduplication off. */
    @NotNull
    private Duration dedupMinScrapeInterval = Duration.ZERO;

    /** Largest internal insert body accepted. */
    @Min(1024)
    private long maxInsertBlockSize = 64L * 1024 * 1024;

    public String getDataPath() {
        return dataPath;
    }

    public void setDataPath(String dataPath) {
        this.dataPath = dataPath;
    }

    public String getRetentionPeriod() {
        return retentionPeriod;
    }

    public void setRetentionPeriod(String retentionPeriod) {
        this.retentionPeriod = retentionPeriod;
    }

    public Duration getFutureRetention() {
        return futureRetention;
    }

    public void setFutureRetention(Duration futureRetention) {
        this.futureRetention = futureRetention;
    }

    public int getMaxConcurrentInserts() {
        return maxConcurrentInserts;
    }

    public void setMaxConcurrentInserts(int maxConcurrentInserts) {
        this.maxConcurrentInserts = maxConcurrentInserts;
    }

    public int getMaxConcurrentSelects() {
        return maxConcurrentSelects;
    }

    public void setMaxConcurrentSelects(int maxConcurrentSelects) {
        this.maxConcurrentSelects = maxConcurrentSelects;
    }

    public Duration getInsertQueueDuration() {
        return insertQueueDuration;
    }

    public void setInsertQueueDuration(Duration insertQueueDuration) {
        this.insertQueueDuration = insertQueueDuration;
    }

    public Duration getSelectQueueDuration() {
        return selectQueueDuration;
    }

    public void setSelectQueueDuration(Duration selectQueueDuration) {
        this.selectQueueDuration = selectQueueDuration;
    }

    public long getMinFreeDiskSpaceBytes() {
        return minFreeDiskSpaceBytes;
    }

    public void setMinFreeDiskSpaceBytes(long minFreeDiskSpaceBytes) {
        this.minFreeDiskSpaceBytes = minFreeDiskSpaceBytes;
    }

    public String getFsync() {
        return fsync;
    }

    public void setFsync(String fsync) {
        this.fsync = fsync;
    }

    public Duration getDedupMinScrapeInterval() {
        return dedupMinScrapeInterval;
    }

    public void setDedupMinScrapeInterval(Duration dedupMinScrapeInterval) {
        this.dedupMinScrapeInterval = dedupMinScrapeInterval;
    }

    public long getMaxInsertBlockSize() {
        return maxInsertBlockSize;
    }

    public void setMaxInsertBlockSize(long maxInsertBlockSize) {
        this.maxInsertBlockSize = maxInsertBlockSize;
    }
}
