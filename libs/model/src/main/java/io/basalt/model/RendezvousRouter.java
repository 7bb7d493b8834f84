package io.basalt.model;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Highest-random-weight (rendezvous) hashing over storage nodes: each series ranks every node by
 * {@code mix(seriesHash, nodeHash)} and lives on the top-ranked nodes. Adding or removing one node moves only the
 * series that rank it first, about 1/N of them, and a node that is down hands its share to each series' next choice,
 * spreading the extra load evenly over the survivors.
 */
public final class RendezvousRouter {

    private final long[] nodeHashes;

    public RendezvousRouter(List<String> nodeAddresses) {
        this.nodeHashes = new long[nodeAddresses.size()];
        for (int i = 0; i < nodeHashes.length; i++) {
            nodeHashes[i] = SeriesHash.ofNode(nodeAddresses.get(i));
        }
    }

    public int nodeCount() {
        return nodeHashes.length;
    }

    /**
     * Whether {@code node} is among the {@code replicationFactor} best-ranked nodes of the series, i.e. one of its
     * owners when every node is usable; what the rebalancer and storage use to tell which copies are misplaced.
     */
    public boolean isOwner(long seriesHash, int node, int replicationFactor) {
        int[] owners = new int[Math.min(replicationFactor, nodeHashes.length)];
        int found = pick(seriesHash, n -> true, owners);
        for (int i = 0; i < found; i++) {
            if (owners[i] == node) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fills {@code out} with the indices of the best-ranked nodes that {@code usable} accepts, best first.
     *
     * @return how many were found; fewer than {@code out.length} when too few nodes are usable
     */
    public int pick(long seriesHash, IntPredicate usable, int[] out) {
        int found = 0;
        long lastScore = Long.MAX_VALUE;
        int lastNode = -1;
        // Repeated selection of the next-lower score: replication factors are tiny, so this beats sorting.
        while (found < out.length) {
            int best = -1;
            long bestScore = Long.MIN_VALUE;
            for (int n = 0; n < nodeHashes.length; n++) {
                long score = SeriesHash.finish(seriesHash ^ nodeHashes[n]);
                boolean below = score < lastScore || (score == lastScore && n > lastNode);
                if (below && (best < 0 || score > bestScore || (score == bestScore && n < best))) {
                    best = n;
                    bestScore = score;
                }
            }
            if (best < 0) {
                return found;
            }
            lastScore = bestScore;
            lastNode = best;
            if (usable.test(best)) {
                out[found++] = best;
            }
        }
        return found;
    }
}
