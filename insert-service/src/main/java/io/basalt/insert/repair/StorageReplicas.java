package io.basalt.insert.repair;

import io.basalt.insert.forward.BytePacer;
import io.basalt.insert.forward.StorageCallException;
import io.basalt.insert.forward.StorageNode;
import io.basalt.insert.forward.StorageNodes;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.OwnerSet;
import io.basalt.wire.cluster.ReplicaDigests;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.ScopedSearchQuery;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;

/**
 * {@link Replicas} over the storage nodes' internal API ({@code /internal/tenants}, {@code /internal/digest},
 * {@code /internal/search} by hash range, {@code /internal/insert}). Every answer read and rows block written is
 * counted and paced; a failed call throws {@link ReplicaUnavailableException} naming the node. A scoped view sends
 * its owner set in the body of every digest and search ({@link ScopedSearchQuery}).
 */
final class StorageReplicas implements Replicas {

    private static final MediaType QUERY = MediaType.parseMediaType(SearchQuery.CONTENT_TYPE);

    private final StorageNodes nodes;

    private final Duration timeout;

    private final BytePacer pacer;

    private final RepairTally tally;

    /** What digests and reads are limited to; null for every series. */
    private final OwnerSet scope;

    StorageReplicas(StorageNodes nodes, Duration timeout, BytePacer pacer, RepairTally tally) {
        this(nodes, timeout, pacer, tally, null);
    }

    private StorageReplicas(StorageNodes nodes, Duration timeout, BytePacer pacer, RepairTally tally,
            OwnerSet scope) {
        this.nodes = nodes;
        this.timeout = timeout;
        this.pacer = pacer;
        this.tally = tally;
        this.scope = scope;
    }

    @Override
    public Replicas scopedTo(OwnerSet scope) {
        return new StorageReplicas(nodes, timeout, pacer, tally, scope);
    }

    @Override
    public Set<TenantId> tenants(int node, TimeBlock block) {
        byte[] body = post(node, StorageNode.TENANTS, query(TenantId.DEFAULT, block).encode());
        Set<TenantId> out = new LinkedHashSet<>();
        for (String t : StringListCodec.decode(body)) {
            out.add(TenantId.parse(t));
        }
        return out;
    }

    @Override
    public ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range, int bucketBits) {
        return ReplicaDigests.decode(post(node, "/internal/digest?prefix={prefix}&prefixBits={prefixBits}"
                + "&bucketBits={bucketBits}", scoped(tenant, block), Long.toUnsignedString(range.prefix()),
                range.prefixBits(), bucketBits));
    }

    @Override
    public List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range) {
        return RowsCodec.decode(post(node, StorageNode.SEARCH_RANGE,
                scoped(tenant, block), Long.toUnsignedString(range.prefix()), range.prefixBits())).series();
    }

    @Override
    public void write(int node, TenantId tenant, List<TimeSeries> series) {
        byte[] rows = RowsCodec.encode(tenant, series);
        try {
            nodes.get(node).insertRowsBlocking(rows, timeout);
        }
        catch (StorageCallException e) {
            throw new ReplicaUnavailableException(node, e.getMessage(), e);
        }
        pace(rows.length);
    }

    private byte[] post(int node, String uriTemplate, byte[] query, Object... uriVariables) {
        byte[] body;
        try {
            body = nodes.get(node).post(uriTemplate, QUERY, query, timeout, uriVariables);
        }
        catch (StorageCallException e) {
            throw new ReplicaUnavailableException(node, e.getMessage(), e);
        }
        tally.read(body.length);
        pace(body.length);
        return body;
    }

    private void pace(long bytes) {
        try {
            pacer.pace(bytes);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("repair interrupted", e);
        }
    }

    private byte[] scoped(TenantId tenant, TimeBlock block) {
        return new ScopedSearchQuery(query(tenant, block), scope).encode();
    }

    private static SearchQuery query(TenantId tenant, TimeBlock block) {
        return new SearchQuery(tenant, block.start(), block.lastMillis(), List.of(), 0);
    }
}
