package io.basalt.select.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Settings of a select node ({@code basalt.select.*}); a wrong value stops the node at start. */
@Validated
@ConfigurationProperties("basalt.select")
public class SelectProperties {

    /**
     * The replication factor the insert tier writes with: while fewer than this many storage nodes fail, every series
     * still has a copy, so answers stay complete.
     */
    @Min(1)
    private int replicationFactor = 1;

    /** Queries evaluated at once; more wait up to selectQueueDuration, then get 503. */
    @Min(1)
    private int maxConcurrentSelects = 16;

    /** Longest time a query waits for a free slot. */
    @NotNull
    private Duration selectQueueDuration = Duration.ofSeconds(10);

    /** Queries running longer are cancelled, on this node and on the storage nodes, with Prometheus' timeout error. */
    @NotNull
    private Duration maxQueryDuration = Duration.ofSeconds(30);

    /** Longest accepted query text, in bytes; longer gets 400. */
    @Min(1)
    private int maxQueryLen = 16_384;

    /** Fail a query, instead of answering with isPartial=true, when a storage node does not answer. */
    private boolean denyPartialResponse;

    /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta). */
    @NotNull
    private Duration lookbackDelta = Duration.ofMinutes(5);

    /**
     * Most samples one query may hold in memory at once: decoded samples, subquery points, the current step's
     * intermediate vectors and the result. More fails with 422 (Prometheus' --query.max-samples).
     */
    @Min(1)
    private long maxSamplesPerQuery = 50_000_000L;

    /**
     * Most points per series in one window of a subquery ({@code range / resolution}); each point is an evaluation of
     * the inner expression, so more is refused with 422 before any work (VictoriaMetrics'
     * -search.maxPointsSubqueryPerTimeseries).
     */
    @Min(1)
    private long maxSubqueryPoints = 100_000L;

    public long getMaxSubqueryPoints() {
        return maxSubqueryPoints;
    }

    public void setMaxSubqueryPoints(long maxSubqueryPoints) {
        this.maxSubqueryPoints = maxSubqueryPoints;
    }

    /** Most series one selector (or one series, export or status request) may return; more fails with 422. */
    @Min(1)
    private int maxSeries = 300_000;

    /**
     * How long a storage node that could not be connected to is left out of queries before it is tried again; its
     * share is answered by the replicas meanwhile. 0 asks every node on every query.
     */
    @NotNull
    private Duration storageBackoff = Duration.ofSeconds(5);

    public Duration getStorageBackoff() {
        return storageBackoff;
    }

    public void setStorageBackoff(Duration storageBackoff) {
        this.storageBackoff = storageBackoff;
    }

    /**
     * A node-list file (one storage node URL per line, optionally followed by {@code draining}) that replaces the
     * discovery list and is re-read every {@link #storageNodesCheckInterval}; select reads every listed node,
     * draining ones included. Unset: the discovery list, fixed at start.
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

    /** Queries taking at least this long are logged with their duration and tenant. */
    @NotNull
    private Duration slowQueryThreshold = Duration.ofSeconds(5);

    public Duration getSlowQueryThreshold() {
        return slowQueryThreshold;
    }

    public void setSlowQueryThreshold(Duration slowQueryThreshold) {
        this.slowQueryThreshold = slowQueryThreshold;
    }

    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public int getMaxConcurrentSelects() {
        return maxConcurrentSelects;
    }

    public void setMaxConcurrentSelects(int maxConcurrentSelects) {
        this.maxConcurrentSelects = maxConcurrentSelects;
    }

    public Duration getSelectQueueDuration() {
        return selectQueueDuration;
    }

    public void setSelectQueueDuration(Duration selectQueueDuration) {
        this.selectQueueDuration = selectQueueDuration;
    }

    public Duration getMaxQueryDuration() {
        return maxQueryDuration;
    }

    public void setMaxQueryDuration(Duration maxQueryDuration) {
        this.maxQueryDuration = maxQueryDuration;
    }

    public int getMaxQueryLen() {
        return maxQueryLen;
    }

    public void setMaxQueryLen(int maxQueryLen) {
        this.maxQueryLen = maxQueryLen;
    }

    public boolean isDenyPartialResponse() {
        return denyPartialResponse;
    }

    public void setDenyPartialResponse(boolean denyPartialResponse) {
        this.denyPartialResponse = denyPartialResponse;
    }

    public Duration getLookbackDelta() {
        return lookbackDelta;
    }

    public void setLookbackDelta(Duration lookbackDelta) {
        this.lookbackDelta = lookbackDelta;
    }

    public long getMaxSamplesPerQuery() {
        return maxSamplesPerQuery;
    }

    public void setMaxSamplesPerQuery(long maxSamplesPerQuery) {
        this.maxSamplesPerQuery = maxSamplesPerQuery;
    }

    public int getMaxSeries() {
        return maxSeries;
    }

    public void setMaxSeries(int maxSeries) {
        this.maxSeries = maxSeries;
    }
}
