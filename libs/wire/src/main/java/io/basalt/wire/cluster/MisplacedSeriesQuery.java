package io.basalt.wire.cluster;

import io.basalt.model.RendezvousRouter;
import io.basalt.model.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A rebalancer's question to one storage node: which series of {@code tenant}, in a series-hash range, would not be placed on this node ({@code holder}) under the node list
 * {@code placement} with {@code replicationFactor} copies. The node answers them with all their samples. Storage
 * computes ownership from the request, with insert's rendezvous function, so it needs no cluster configuration; a
 * holder absent from {@code placement} (draining, or about to be removed) owns nothing.
 *
 * <p>Wire form: {@code "BMQ1" account:i32 project:i32 prefix:u64 prefixBits:u8 replicationFactor:uvarint
 * holder:string nodes:uvarint node:string*}.
 */
public record MisplacedSeriesQuery(TenantId tenant, HashRange range, String holder, List<String> placement,
        int replicationFactor) {

    private static final byte[] MAGIC = "BMQ1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-misplaced";

    public MisplacedSeriesQuery {
        placement = List.copyOf(placement);
        if (replicationFactor < 1 || placement.size() < replicationFactor) {
            throw new IllegalArgumentException("replicationFactor " + replicationFactor + " needs at least that "
                    + "many placement nodes; got " + placement.size());
        }
    }

    /** A way to ask, per series hash, whether the holder is one of its owners. */
    public OwnerTest ownerTest() {
        RendezvousRouter router = new RendezvousRouter(placement);
        int holderIndex = placement.indexOf(holder);
        return hash -> holderIndex >= 0 && router.isOwner(hash, holderIndex, replicationFactor);
    }

    @FunctionalInterface
    public interface OwnerTest {
        boolean holderOwns(long seriesHash);
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(64 + placement.size() * 32);
        w.bytes(MAGIC);
        w.fixed32(tenant.accountId());
        w.fixed32(tenant.projectId());
        w.fixed64(range.prefix());
        w.u8(range.prefixBits());
        w.uvarint(replicationFactor);
        w.string(holder);
        w.uvarint(placement.size());
        for (String node : placement) {
            w.string(node);
        }
        return w.toByteArray();
    }

    /** @throws MalformedBodyException when the body is not a complete, consistent query */
    public static MisplacedSeriesQuery decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "misplaced-series query");
        TenantId tenant = new TenantId(r.fixed32(), r.fixed32());
        long prefix = r.fixed64();
        int prefixBits = r.u8();
        long rf = r.uvarint();
        String holder = r.string();
        int n = r.count("node");
        List<String> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(r.string());
        }
        if (r.hasMore()) {
            throw new MalformedBodyException("misplaced-series query: trailing bytes");
        }
        try {
            return new MisplacedSeriesQuery(tenant, new HashRange(prefix, prefixBits), holder, nodes,
                    (int) Math.min(rf, 1024));
        }
        catch (IllegalArgumentException e) {
            throw new MalformedBodyException("misplaced-series query: " + e.getMessage());
        }
    }
}
