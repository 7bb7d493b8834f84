package io.basalt.insert.repair;

import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.OwnerSet;
import io.basalt.wire.cluster.ReplicaDigests;
import java.util.List;
import java.util.Set;

/**
 * What the repairer asks of the storage nodes, by node index in {@code StorageNodes} (fixed for a node across
 * node-list changes). Calls block and throw on any failure; {@link StorageReplicas} is the HTTP form, tests put
 * replicas in memory here.
 */
public interface Replicas {

    /** Tenants node {@code node} holds data of in {@code block}. */
    Set<TenantId> tenants(int node, TimeBlock block);

    /** Digests of {@code range} split {@code 2^bucketBits} ways, over the tenant's samples in {@code block}. */
    ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range, int bucketBits);

    /** Every series of {@code range} with its samples in {@code block}. */
    List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range);

    /**
     * The same replicas with digests and reads limited to the series whose owners are exactly {@code scope}; every
     * series when {@code scope} is null.
     */
    Replicas scopedTo(OwnerSet scope);

    /** Stores {@code series} on the node; returns only once they are stored. */
    void write(int node, TenantId tenant, List<TimeSeries> series);
}
