package io.basalt.insert.repair;

import io.basalt.model.TenantId;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.ReplicaDigests;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the series-hash ranges of one tenant and block in which replicas differ, like walking two Merkle trees: the
 * whole range is compared split {@link #TOP_BUCKET_BITS 256} ways, equal sub-ranges are done, and a differing one is
 * split again until it holds at most {@code leafSeries} series on every node, which is then small enough to read in
 * full; a range that holds no more than that altogether is read whole, so a small tenant costs one read per node
 * and block. Every level costs one digest call per node; only the differing branches are descended.
 */
public final class RangeDescent {

    public static final int TOP_BUCKET_BITS = 8;

    private final Replicas replicas;

    private final long leafSeries;

    public RangeDescent(Replicas replicas, long leafSeries) {
        if (leafSeries < 1) {
            throw new IllegalArgumentException("leafSeries must be at least 1; got " + leafSeries);
        }
        this.replicas = replicas;
        this.leafSeries = leafSeries;
    }

    /** The result: ranges to read in full, and how many sub-ranges differed on the way down. */
    public record Differences(List<HashRange> leaves, long rangesDiffering) {
    }

    /** Compares {@code nodes} (at least two); the leaves are disjoint and cover every difference among them. */
    public Differences differing(int[] nodes, TenantId tenant, TimeBlock block) {
        List<HashRange> leaves = new ArrayList<>();
        long differing = descend(nodes, tenant, block, HashRange.ALL, TOP_BUCKET_BITS, leaves);
        return new Differences(List.copyOf(leaves), differing);
    }

    private long descend(int[] nodes, TenantId tenant, TimeBlock block, HashRange range, int bucketBits,
            List<HashRange> leaves) {
        ReplicaDigests[] digests = new ReplicaDigests[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            digests[i] = replicas.digests(nodes[i], tenant, block, range, bucketBits);
        }
        long differing = 0;
        for (int b = 0; b < digests[0].size(); b++) {
            if (!allSame(digests, b)) {
                differing++;
            }
        }
        if (differing > 0 && mostSeries(digests) <= leafSeries) {
            // Reading the whole range costs one scan per node, like reading any one of its sub-ranges would.
            leaves.add(range);
            return differing;
        }
        for (int b = 0; b < digests[0].size(); b++) {
            if (allSame(digests, b)) {
                continue;
            }
            HashRange sub = range.sub(b, bucketBits);
            long most = 0;
            for (ReplicaDigests d : digests) {
                most = Math.max(most, d.series(b));
            }
            int next = bitsToSplit(most);
            if (next == 0 || sub.prefixBits() + next > 64) {
                leaves.add(sub);
            }
            else {
                differing += descend(nodes, tenant, block, sub, next, leaves);
            }
        }
        return differing;
    }

    /** Bits that split {@code series} into sub-ranges of about {@code leafSeries} each; 0 when it is a leaf. */
    int bitsToSplit(long series) {
        if (series <= leafSeries) {
            return 0;
        }
        long ratio = (series + leafSeries - 1) / leafSeries;
        int bits = 64 - Long.numberOfLeadingZeros(ratio - 1);
        return Math.min(Math.max(bits, 1), ReplicaDigests.MAX_BUCKET_BITS);
    }

    private static long mostSeries(ReplicaDigests[] digests) {
        long most = 0;
        for (ReplicaDigests d : digests) {
            long total = 0;
            for (int b = 0; b < d.size(); b++) {
                total += d.series(b);
            }
            most = Math.max(most, total);
        }
        return most;
    }

    private static boolean allSame(ReplicaDigests[] digests, int bucket) {
        for (int i = 1; i < digests.length; i++) {
            if (!digests[i].sameAt(digests[0], bucket)) {
                return false;
            }
        }
        return true;
    }
}
