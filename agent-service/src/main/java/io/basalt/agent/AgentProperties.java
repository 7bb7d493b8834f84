package io.basalt.agent;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** Settings of the agent ({@code basalt.agent.*}); a wrong value stops it at start with the property's name. */
@Validated
@ConfigurationProperties("basalt.agent")
public class AgentProperties {

    /** The Prometheus-format YAML file with global, scrape_configs and remote_write sections. */
    @NotBlank
    private String configFile = "agent.yml";

    /** Directory of the persistent remote-write queue; one sub-directory per remote_write entry. */
    @NotBlank
    private String dataPath = "./data/agent";

    /** Most disk the queue of one remote_write entry may use; past it the oldest blocks are dropped and counted. */
    @NotNull
    private DataSize maxDiskUsage = DataSize.ofGigabytes(1);

    /** How often queued blocks are forced to disk; a crash loses at most this much of accepted data. */
    @NotNull
    private Duration fsyncInterval = Duration.ofSeconds(1);

    /** Requests sent in parallel per remote_write entry; capped by its queue_config.max_shards. */
    @Min(1)
    private int sendShards = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    /** How often file_sd files are checked for changes, besides their refresh_interval. */
    @NotNull
    private Duration fileSdCheckInterval = Duration.ofSeconds(5);

    /** Largest accepted scrape body after decompression; a larger one fails the scrape. */
    @NotNull
    private DataSize maxScrapeSize = DataSize.ofMegabytes(16);

    /** Largest body accepted on the agent's own push endpoints. */
    @NotNull
    private DataSize maxInsertRequestSize = DataSize.ofMegabytes(32);

    /** Push requests processed at once; more wait up to insertQueueDuration, then get 503 with Retry-After. */
    @Min(1)
    private int maxConcurrentInserts = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** How long a push request waits for a free slot before it is refused. */
    @NotNull
    private Duration insertQueueDuration = Duration.ofSeconds(10);

    /**
     * Send each series to {@code shardByUrlReplicas} of the remote_write URLs instead of to all of them (vmagent's
     * -remoteWrite.shardByURL).
     */
    private boolean shardByUrl;

    /** The labels whose values pick a series' URLs when sharding; empty for all of its labels. */
    @NotNull
    private List<String> shardByUrlLabels = new ArrayList<>();

    /** How many URLs get each series when sharding. */
    @Min(1)
    private int shardByUrlReplicas = 1;

    public boolean isShardByUrl() {
        return shardByUrl;
    }

    public void setShardByUrl(boolean shardByUrl) {
        this.shardByUrl = shardByUrl;
    }

    public List<String> getShardByUrlLabels() {
        return shardByUrlLabels;
    }

    public void setShardByUrlLabels(List<String> shardByUrlLabels) {
        this.shardByUrlLabels = shardByUrlLabels;
    }

    public int getShardByUrlReplicas() {
        return shardByUrlReplicas;
    }

    public void setShardByUrlReplicas(int shardByUrlReplicas) {
        this.shardByUrlReplicas = shardByUrlReplicas;
    }

    public int getMaxConcurrentInserts() {
        return maxConcurrentInserts;
    }

    public void setMaxConcurrentInserts(int maxConcurrentInserts) {
        this.maxConcurrentInserts = maxConcurrentInserts;
    }

    public Duration getInsertQueueDuration() {
        return insertQueueDuration;
    }

    public void setInsertQueueDuration(Duration insertQueueDuration) {
        this.insertQueueDuration = insertQueueDuration;
    }

    public String getConfigFile() {
        return configFile;
    }

    public void setConfigFile(String configFile) {
        this.configFile = configFile;
    }

    public String getDataPath() {
        return dataPath;
    }

    public void setDataPath(String dataPath) {
        this.dataPath = dataPath;
    }

    public DataSize getMaxDiskUsage() {
        return maxDiskUsage;
    }

    public void setMaxDiskUsage(DataSize maxDiskUsage) {
        this.maxDiskUsage = maxDiskUsage;
    }

    public Duration getFsyncInterval() {
        return fsyncInterval;
    }

    public void setFsyncInterval(Duration fsyncInterval) {
        this.fsyncInterval = fsyncInterval;
    }

    public int getSendShards() {
        return sendShards;
    }

    public void setSendShards(int sendShards) {
        this.sendShards = sendShards;
    }

    public Duration getFileSdCheckInterval() {
        return fileSdCheckInterval;
    }

    public void setFileSdCheckInterval(Duration fileSdCheckInterval) {
        this.fileSdCheckInterval = fileSdCheckInterval;
    }

    public DataSize getMaxScrapeSize() {
        return maxScrapeSize;
    }

    public void setMaxScrapeSize(DataSize maxScrapeSize) {
        this.maxScrapeSize = maxScrapeSize;
    }

    public DataSize getMaxInsertRequestSize() {
        return maxInsertRequestSize;
    }

    public void setMaxInsertRequestSize(DataSize maxInsertRequestSize) {
        this.maxInsertRequestSize = maxInsertRequestSize;
    }
}
