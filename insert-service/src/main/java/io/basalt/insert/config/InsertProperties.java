package io.basalt.insert.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Settings of an insert node ({@code basalt.insert.*}); a wrong value stops the node at start. */
@Validated
@ConfigurationProperties("basalt.insert")
public class InsertProperties {

    /** Copies of every series, each on a distinct storage node. */
    @Min(1)
    @Max(64)
    private int replicationFactor = 1;

    /** Ingestion requests processed at once; more wait up to insertQueueDuration, then get 503. */
    @Min(1)
    private int maxConcurrentInserts = 16;

    /**
     * Import requests (text, JSON lines, native) streamed at once. They hold their slot while their body arrives, so
     * they have slots of their own: a slow import can only keep other imports waiting, never remote writes.
     */
    @Min(1)
    private int maxConcurrentImports = 4;

    /** Longest time a request waits for a free ingestion slot. */
    @NotNull
    private Duration insertQueueDuration = Duration.ofSeconds(30);

    /** Largest request body accepted, after decompression for snappy and gzip; larger gets 413. */
    @Min(1024)
    private long maxInsertRequestSize = 32L * 1024 * 1024;

    /** Most series blocks in one request to a storage node. */
    @Min(1)
    private int maxRowsPerBlock = 10_000;

    /** Series with more labels are rejected (counted by reason), the rest of the request is stored. */
    @Min(1)
    private int maxLabelsPerTimeseries = 40;

    /** Series with a longer label name are rejected. */
    @Min(1)
    private int maxLabelNameLen = 256;

    /** Series with a longer label value are rejected. */
    @Min(1)
    private int maxLabelValueLen = 4096;

    /** How long a storage node that failed is left out before it is tried again. */
    @NotNull
    private Duration storageBackoff = Duration.ofSeconds(5);

    /** Longest time one request to a storage node may take before the node counts as failed. */
    @NotNull
    private Duration storageTimeout = Duration.ofSeconds(30);

    /**
     * A YAML file holding a list of relabel rules (Prometheus {@code relabel_configs} syntax) applied to every series
     * before it is stored; a series a rule drops is not stored. Unset: no relabeling.
     */
    private String relabelConfig;

    /**
     * Most distinct series one tenant may have written in the last hour; new series beyond it are rejected with
     * reason {@code tenant_series_limit} while known series keep flowing. 0 turns the limit off.
     */
    @Min(0)
    private long maxActiveSeriesPerTenant;

    /**
     * Copies of a series that must be stored before a write is acknowledged; every other copy is recorded as owed to
     * its node in the hint log and delivered when the node is back. Unset: half the replication factor rounded up
     * (1 of 2, 2 of 3) when {@code hintPath} is set, else every copy.
     */
    @Min(1)
    @Max(64)
    private Integer minWriteCopies;

    /**
     * A node-list file (one storage node URL per line, optionally followed by {@code draining}) that replaces the
     * discovery list and is re-read every {@link #storageNodesCheckInterval}, so nodes can be added, drained and
     * removed without a restart (docs/operations.md). Unset: the discovery list, fixed at start.
     */
    private String storageNodesFile;

    /** How often the node-list file is read again. */
    @NotNull
    private Duration storageNodesCheckInterval = Duration.ofSeconds(2);

    public String getStorageNodesFile() {
        return storageNodesFile;
    }

    public void setStorageNodesFile(String storageNodesFile) {
        this.storageNodesFile = storageNodesFile;
    }

    public Duration getStorageNodesCheckInterval() {
        return storageNodesCheckInterval;
    }

    public void setStorageNodesCheckInterval(Duration storageNodesCheckInterval) {
        this.storageNodesCheckInterval = storageNodesCheckInterval;
    }

    /** Directory of the hint logs (copies owed to storage nodes that were down). Unset: every copy is required. */
    private String hintPath;

    /** Most bytes owed to one storage node; beyond it writes that would owe more get 503. */
    @Min(1024 * 1024)
    private long maxHintBytesPerNode = 4L * 1024 * 1024 * 1024;

    /** Pace of delivering owed copies to a returning node, so that it keeps up with live writes meanwhile. */
    @Min(1024)
    private long handoffBytesPerSecond = 16L * 1024 * 1024;

    /** The copies a write needs before it is acknowledged, after defaults. */
    public int effectiveMinWriteCopies() {
        if (minWriteCopies != null) {
            return minWriteCopies;
        }
        return hintPath == null ? replicationFactor : (replicationFactor + 1) / 2;
    }

    @AssertTrue(message = "basalt.insert.min-write-copies must be at most basalt.insert.replication-factor, and below "
            + "it only with basalt.insert.hint-path set (copies not written are owed through the hint log)")
    public boolean isMinWriteCopiesConsistent() {
        int min = effectiveMinWriteCopies();
        return min <= replicationFactor && (min == replicationFactor || hintPath != null);
    }

    public Integer getMinWriteCopies() {
        return minWriteCopies;
    }

    public void setMinWriteCopies(Integer minWriteCopies) {
        this.minWriteCopies = minWriteCopies;
    }

    public String getHintPath() {
        return hintPath;
    }

    public void setHintPath(String hintPath) {
        this.hintPath = hintPath;
    }

    public long getMaxHintBytesPerNode() {
        return maxHintBytesPerNode;
    }

    public void setMaxHintBytesPerNode(long maxHintBytesPerNode) {
        this.maxHintBytesPerNode = maxHintBytesPerNode;
    }

    public long getHandoffBytesPerSecond() {
        return handoffBytesPerSecond;
    }

    public void setHandoffBytesPerSecond(long handoffBytesPerSecond) {
        this.handoffBytesPerSecond = handoffBytesPerSecond;
    }

    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public int getMaxConcurrentInserts() {
        return maxConcurrentInserts;
    }

    public void setMaxConcurrentInserts(int maxConcurrentInserts) {
        this.maxConcurrentInserts = maxConcurrentInserts;
    }

    public int getMaxConcurrentImports() {
        return maxConcurrentImports;
    }

    public void setMaxConcurrentImports(int maxConcurrentImports) {
        this.maxConcurrentImports = maxConcurrentImports;
    }

    public Duration getInsertQueueDuration() {
        return insertQueueDuration;
    }

    public void setInsertQueueDuration(Duration insertQueueDuration) {
        this.insertQueueDuration = insertQueueDuration;
    }

    public long getMaxInsertRequestSize() {
        return maxInsertRequestSize;
    }

    public void setMaxInsertRequestSize(long maxInsertRequestSize) {
        this.maxInsertRequestSize = maxInsertRequestSize;
    }

    public int getMaxRowsPerBlock() {
        return maxRowsPerBlock;
    }

    public void setMaxRowsPerBlock(int maxRowsPerBlock) {
        this.maxRowsPerBlock = maxRowsPerBlock;
    }

    public int getMaxLabelsPerTimeseries() {
        return maxLabelsPerTimeseries;
    }

    public void setMaxLabelsPerTimeseries(int maxLabelsPerTimeseries) {
        this.maxLabelsPerTimeseries = maxLabelsPerTimeseries;
    }

    public int getMaxLabelNameLen() {
        return maxLabelNameLen;
    }

    public void setMaxLabelNameLen(int maxLabelNameLen) {
        this.maxLabelNameLen = maxLabelNameLen;
    }

    public int getMaxLabelValueLen() {
        return maxLabelValueLen;
    }

    public void setMaxLabelValueLen(int maxLabelValueLen) {
        this.maxLabelValueLen = maxLabelValueLen;
    }

    public Duration getStorageBackoff() {
        return storageBackoff;
    }

    public void setStorageBackoff(Duration storageBackoff) {
        this.storageBackoff = storageBackoff;
    }

    public Duration getStorageTimeout() {
        return storageTimeout;
    }

    public void setStorageTimeout(Duration storageTimeout) {
        this.storageTimeout = storageTimeout;
    }

    public String getRelabelConfig() {
        return relabelConfig;
    }

    public void setRelabelConfig(String relabelConfig) {
        this.relabelConfig = relabelConfig;
    }

    public long getMaxActiveSeriesPerTenant() {
        return maxActiveSeriesPerTenant;
    }

    public void setMaxActiveSeriesPerTenant(long maxActiveSeriesPerTenant) {
        this.maxActiveSeriesPerTenant = maxActiveSeriesPerTenant;
    }
}
