package io.basalt.insert.repair;

import io.basalt.insert.forward.BytePacer;
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
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;

/**
 * {@link Replicas} over the storage nodes' internal API ({@code /internal/tenants}, {@code /internal/digest},
 * {@code /internal/search} by hash range, {@code /internal/insert}). Every answer read and rows block written is
 * counted and paced; a failed call throws {@link ReplicaUnavailableException} naming the node. A scoped view sends
 * its owner set in the body of every digest and search ({@link ScopedSearchQuery}).
 */
final class StorageReplicas implements Replicas {

    private static final MediaType QUERY = MediaType.parseMediaType(SearchQuery.CONTENT_TYPE);

    /** A leaf range holds about a thousand series; far more than that in one answer is a placement bug. */
    private static final int MAX_ANSWER_BYTES = 512 * 1024 * 1024;

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
        byte[] body = post(node, "/internal/tenants", query(TenantId.DEFAULT, block).encode());
        Set<TenantId> out = new LinkedHashSet<>();
        for (String t : StringListCodec.decode(body)) {
            out.add(TenantId.parse(t));
        }
        return out;
    }

    @Override
    public ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range, int bucketBits) {
        return ReplicaDigests.decode(post(node, "/internal/digest?" + range.queryParams() + "&bucketBits="
                + bucketBits, scoped(tenant, block)));
    }

    @Override
    public List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range) {
        return RowsCodec.decode(post(node, "/internal/search?" + range.queryParams(), scoped(tenant, block)))
            .series();
    }

    @Override
    public void write(int node, TenantId tenant, List<TimeSeries> series) {
        byte[] rows = RowsCodec.encode(tenant, series);
        StorageNode target = nodes.get(node);
        try {
            target.insertRows(rows, timeout).block();
        }
        catch (RuntimeException e) {
            throw unavailable(node, "/internal/insert", e);
        }
        pace(rows.length);
    }

    private byte[] post(int node, String path, byte[] query) {
        byte[] body;
        try {
            // Joined without the codecs' in-memory limit: a leaf range's samples may exceed it.
            body = DataBufferUtils.join(nodes.get(node).client().post()
                .uri(path)
                .contentType(QUERY)
                .bodyValue(query)
                .retrieve()
                .bodyToFlux(DataBuffer.class), MAX_ANSWER_BYTES)
                .map(StorageReplicas::bytes)
                .defaultIfEmpty(new byte[0])
                .timeout(timeout)
                .block();
        }
        catch (RuntimeException e) {
            throw unavailable(node, path, e);
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

    private ReplicaUnavailableException unavailable(int node, String path, RuntimeException e) {
        String url = nodes.get(node).url();
        return new ReplicaUnavailableException(node, "storage node " + url + " failed " + path.replaceAll("\\?.*", "")
                + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private byte[] scoped(TenantId tenant, TimeBlock block) {
        return new ScopedSearchQuery(query(tenant, block), scope).encode();
    }

    private static SearchQuery query(TenantId tenant, TimeBlock block) {
        return new SearchQuery(tenant, block.start(), block.lastMillis(), List.of(), 0);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }
}
