package io.basalt.tsdb;

/**
 * Operator-facing counters and gauges of one engine, read in one go; services turn them into metrics.
 *
 * @param diskUsageBytes bytes of parts and write-ahead log under the data path
 * @param rowsIngested samples accepted since open (replayed ones excluded)
 * @param rowsDroppedOutsideRetention samples refused because they were older than the retention period
 * @param rowsDroppedTooFarInFuture samples refused because they were stamped more than
 *        {@link EngineConfig#futureRetention()} ahead of the engine's clock (or past year 9999)
 * @param activeSeries series that currently resolve to an id (seen since open, not deleted)
 * @param headSamples samples held in memory awaiting a flush
 * @param partitions time partitions on disk or in memory
 * @param parts immutable parts currently serving
 * @param mergesTotal part merges completed since open
 * @param flushesTotal head flushes completed since open
 * @param walSizeBytes bytes in write-ahead log segments
 * @param walCorruptionsTotal torn or corrupt log records cut off during replay
 * @param readOnly whether appends are refused
 * @param readOnlyReason why, or {@code null}
 * @param quarantinedPartsTotal parts moved aside because a checksum failed
 * @param backgroundFailuresTotal failed runs of the background flush, merge, retention and fsync tasks (each is
 *        retried on its next tick)
 */
public record EngineStatus(long diskUsageBytes, long rowsIngested, long rowsDroppedOutsideRetention,
        long rowsDroppedTooFarInFuture, long activeSeries, long headSamples, int partitions, int parts,
        long mergesTotal, long flushesTotal, long walSizeBytes, long walCorruptionsTotal, boolean readOnly,
        String readOnlyReason, long quarantinedPartsTotal, long backgroundFailuresTotal) {
}
