package io.basalt.wire.cluster;

import io.basalt.model.RendezvousRouter;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The series a repairer compares together when the replication factor is below the number of placement nodes: those
 * whose owners, the {@code owners.size()} best-ranked nodes of {@code placement} under insert's rendezvous function,
 * are exactly {@code owners} (positions in {@code placement}). Storage computes it from the request, as it does for
 * {@link MisplacedSeriesQuery}, so it needs no cluster configuration.
 */
public record OwnerSet(List<String> placement, int[] owners) {

    /** More placement nodes than this is no cluster but a malformed request. */
    public static final int MAX_NODES = 1024;

    /** @throws IllegalArgumentException when the owners are not distinct positions of a non-empty placement list */
    public OwnerSet {
        placement = List.copyOf(placement);
        owners = owners.clone();
        Arrays.sort(owners);
        if (placement.isEmpty() || placement.size() > MAX_NODES) {
            throw new IllegalArgumentException("placement must list 1.." + MAX_NODES + " nodes; got "
                    + placement.size());
        }
        if (owners.length == 0 || owners.length > placement.size()) {
            throw new IllegalArgumentException("owners must be 1.." + placement.size() + " placement positions; got "
                    + owners.length);
        }
        for (int i = 0; i < owners.length; i++) {
            if (owners[i] < 0 || owners[i] >= placement.size()) {
                throw new IllegalArgumentException("owner position " + owners[i] + " is outside the "
                        + placement.size() + " placement nodes");
            }
            if (i > 0 && owners[i] == owners[i - 1]) {
                throw new IllegalArgumentException("owner position " + owners[i] + " is given twice");
            }
        }
    }

    /** True for the series hashes whose owner set is exactly this one. */
    public LongPredicate ownsExactly() {
        RendezvousRouter router = new RendezvousRouter(placement);
        int[] wanted = owners.clone();
        return hash -> {
            int[] ranked = new int[wanted.length];
            router.pick(hash, n -> true, ranked);
            Arrays.sort(ranked);
            return Arrays.equals(ranked, wanted);
        };
    }

    void write(BinaryWriter w) {
        w.uvarint(placement.size());
        for (String node : placement) {
            w.string(node);
        }
        w.uvarint(owners.length);
        for (int owner : owners) {
            w.uvarint(owner);
        }
    }

    static OwnerSet read(BinaryReader r) {
        int n = r.count("placement node");
        String[] placement = new String[n];
        for (int i = 0; i < n; i++) {
            placement[i] = r.string();
        }
        int[] owners = new int[r.count("owner")];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = (int) Math.min(r.uvarint(), Integer.MAX_VALUE);
        }
        try {
            return new OwnerSet(List.of(placement), owners);
        }
        catch (IllegalArgumentException e) {
            throw new MalformedBodyException("owner set: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OwnerSet other && placement.equals(other.placement) && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        return placement.hashCode() * 31 + Arrays.hashCode(owners);
    }

    @Override
    public String toString() {
        return "OwnerSet" + Arrays.toString(owners) + " of " + placement;
    }
}
