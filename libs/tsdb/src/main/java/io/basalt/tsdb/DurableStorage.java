package io.basalt.tsdb;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A {@link Storage} that keeps its samples on disk, with what a storage node needs beyond reads and writes: its
 * configuration and status figures, merges, cardinality, and snapshots for backups. {@link TsdbEngine} is the
 * implementation; storage-service depends on this interface only.
 */
public interface DurableStorage extends Storage {

    EngineConfig config();

    /** Figures for status pages and metrics, read at the moment of the call. */
    EngineStatus status();

    /**
     * Deletes exactly the series of {@code tenant} with these label sets, as {@link #deleteSeries} does, provided
     * {@code unchanged} answers true when asked while appends are blocked: a rebalancer that copied the series
     * elsewhere passes a check that the node still holds just what was copied, so that a sample arriving after the
     * copy is not deleted with the rest.
     *
     * @return the series deleted, or -1 when {@code unchanged} answered false and nothing was deleted
     */
    int deleteSeriesIfUnchanged(TenantId tenant, Collection<Labels> series, BooleanSupplier unchanged);

    /** Merges each partition down to a single part (benchmarks and tests; background merges are incremental). */
    void forceMerge();

    /** Tenants with series in partitions touching the range (a superset at partition granularity). */
    Set<TenantId> tenants(long minTime, long maxTime);

    /** Top-{@code topN} series counts of {@code tenant} over days touching the range ({@code /api/v1/status/tsdb}). */
    CardinalityStats cardinality(TenantId tenant, long minTime, long maxTime, int topN);

    /**
     * Flushes the head and hard-links every part into {@code snapshots/<name>/}, whose layout is that of a data path:
     * copying it to an empty directory and opening that directory restores the data.
     *
     * @return the snapshot's name
     */
    String snapshotCreate();

    /** Names of the existing snapshots, oldest first. */
    List<String> snapshotList();

    /**
     * The directory of snapshot {@code name}, for backup tools to copy.
     *
     * @throws IllegalArgumentException when {@code name} is not a snapshot name
     */
    Path snapshotPath(String name);

    /** @return false when no such snapshot exists */
    boolean snapshotDelete(String name);
}
