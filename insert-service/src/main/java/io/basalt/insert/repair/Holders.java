package io.basalt.insert.repair;

import io.basalt.insert.forward.Placement;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.wire.cluster.OwnerSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The storage nodes one block is repaired on, by index in {@code StorageNodes}: the owners (the placement nodes,
 * {@code owners[k]} being the node at position {@code k} of {@code placement}), compared with each other and written
 * what they lack, and the draining nodes, which still hold series until the rebalancer has moved them and so are read
 * as sources of copies, but are never written.
 */
record Holders(int[] owners, int[] draining, List<String> placement) {

    /**
     * The series compared together: those whose owners are exactly {@code nodes}; {@code scope} is what storage is
     * asked to limit its digests and reads to, null where every series a node holds is owned by all of them.
     */
    record OwnerGroup(int[] nodes, OwnerSet scope) {
    }

    Holders {
        if (owners.length != placement.size()) {
            throw new IllegalArgumentException(owners.length + " owners for " + placement.size() + " placement nodes");
        }
        placement = List.copyOf(placement);
    }

    static Holders of(Placement placement) {
        int[] owners = IntStream.range(0, placement.placedCount()).map(placement::placedNode).toArray();
        int[] draining = Arrays.stream(placement.listed()).filter(i -> !contains(owners, i)).toArray();
        return new Holders(owners, draining, placement.placementUrls());
    }

    int[] all() {
        return IntStream.concat(Arrays.stream(owners), Arrays.stream(draining)).toArray();
    }

    /** Why this list cannot be repaired, or null when it can. */
    String unsupported() {
        return owners.length < 2 ? "one storage node takes copies: nothing to compare" : null;
    }

    /**
     * Every set of {@code replicationFactor} owners, each compared on its own series only (with three nodes and two
     * copies: every pair); a single group without a scope where every owner owns every series, which is what storage
     * nodes without owner-set support understand.
     */
    List<OwnerGroup> groups(int replicationFactor) {
        int copies = Math.min(replicationFactor, owners.length);
        List<OwnerGroup> out = new ArrayList<>();
        if (copies == owners.length) {
            out.add(new OwnerGroup(owners.clone(), null));
            return out;
        }
        int[] positions = IntStream.range(0, copies).toArray();
        while (true) {
            out.add(new OwnerGroup(Arrays.stream(positions).map(p -> owners[p]).toArray(),
                    new OwnerSet(placement, positions)));
            int i = copies - 1;
            while (i >= 0 && positions[i] == owners.length - copies + i) {
                i--;
            }
            if (i < 0) {
                return out;
            }
            positions[i]++;
            for (int j = i + 1; j < copies; j++) {
                positions[j] = positions[j - 1] + 1;
            }
        }
    }

    /**
     * Whether a node is one of a series' owners under the placement: checked for every copy written, so that nothing
     * reaches a node that does not own the series even if a storage node answered more than it was asked.
     */
    ReplicaDiff.Owners placementOwners(int replicationFactor) {
        RendezvousRouter router = new RendezvousRouter(placement);
        int copies = Math.min(replicationFactor, owners.length);
        return (node, tenant, labels) -> {
            int[] ranked = new int[copies];
            int found = router.pick(SeriesHash.of(tenant, labels), n -> true, ranked);
            for (int k = 0; k < found; k++) {
                if (owners[ranked[k]] == node) {
                    return true;
                }
            }
            return false;
        };
    }

    static boolean contains(int[] nodes, int node) {
        for (int n : nodes) {
            if (n == node) {
                return true;
            }
        }
        return false;
    }
}
