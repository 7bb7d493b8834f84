package io.basalt.insert.repair;

import io.basalt.insert.forward.Placement;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The storage nodes one block is repaired on, by index in {@code StorageNodes}: the owners, compared with each other
 * and written what they lack, and the draining nodes, which still hold series until the rebalancer has moved them
 * and so are read as sources of copies, but are never written.
 */
record Holders(int[] owners, int[] draining) {

    static Holders of(Placement placement) {
        int[] owners = IntStream.range(0, placement.placedCount()).map(placement::placedNode).toArray();
        int[] draining = Arrays.stream(placement.listed()).filter(i -> !contains(owners, i)).toArray();
        return new Holders(owners, draining);
    }

    int[] all() {
        return IntStream.concat(Arrays.stream(owners), Arrays.stream(draining)).toArray();
    }

    /**
     * Why this list cannot be repaired, or null when it can. Digests cover every series a node holds, so they are
     * comparable only where every owner owns every series: replication factor equal to the nodes taking copies.
     */
    String unsupported(int replicationFactor) {
        if (owners.length < 2) {
            return "one storage node takes copies: nothing to compare";
        }
        if (replicationFactor < owners.length) {
            return "replicationFactor " + replicationFactor + " is below the " + owners.length + " storage nodes "
                    + "taking copies: repair compares only clusters where every node owns every series";
        }
        return null;
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
