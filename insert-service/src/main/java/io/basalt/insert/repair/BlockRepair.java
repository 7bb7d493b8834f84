package io.basalt.insert.repair;

import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Brings the replicas of one closed time block into agreement: for every tenant any of them holds, finds the hash
 * ranges that differ ({@link RangeDescent}), reads those ranges from every replica, and writes each what it lacks
 * ({@link ReplicaDiff}). Any failed call throws, leaving the block to be compared again; what was written stays
 * written, and writing a sample twice stores it once.
 */
public final class BlockRepair {

    private final Replicas replicas;

    private final ReplicaDiff.Owners owners;

    private final long leafSeries;

    private final int maxSamplesPerWrite;

    private final RepairTally tally;

    /**
     * @param leafSeries descend a differing range until it holds at most this many series, then read it
     * @param maxSamplesPerWrite split the copies for one node into writes of at most this many samples
     */
    public BlockRepair(Replicas replicas, ReplicaDiff.Owners owners, long leafSeries, int maxSamplesPerWrite,
            RepairTally tally) {
        this.replicas = replicas;
        this.owners = owners;
        if (leafSeries < 1) {
            throw new IllegalArgumentException("leafSeries must be at least 1; got " + leafSeries);
        }
        this.leafSeries = leafSeries;
        this.maxSamplesPerWrite = maxSamplesPerWrite;
        this.tally = tally;
    }

    /**
     * Compares {@code owners} (at least two) over {@code block} and copies what each lacks; {@code draining} nodes
     * are read with the owners wherever these differ, so a sample only they still hold reaches the owners, but they
     * are neither compared nor written.
     */
    public void repair(int[] owners, int[] draining, TimeBlock block) {
        repair(replicas, owners, draining, block, this.owners, tenantsOf(block));
    }

    /**
     * Repairs {@code block} on a node list: each group of owners that share series ({@link Holders#groups}: with
     * fewer copies than placement nodes, every set of {@code replicationFactor} nodes) is compared over its own series
     * only, and a copy is written only to a node the placement makes an owner of the series.
     */
    void repair(Holders holders, int replicationFactor, TimeBlock block) {
        ReplicaDiff.Owners placed = holders.placementOwners(replicationFactor);
        ReplicaDiff.Owners owns = (node, tenant, labels) -> placed.owns(node, tenant, labels)
                && owners.owns(node, tenant, labels);
        // Each node is asked its tenants once per block, however many owner sets it is in.
        IntFunction<Set<TenantId>> tenants = tenantsOf(block);
        for (Holders.OwnerGroup group : holders.groups(replicationFactor)) {
            repair(replicas.scopedTo(group.scope()), group.nodes(), holders.draining(), block, owns, tenants);
        }
    }

    private IntFunction<Set<TenantId>> tenantsOf(TimeBlock block) {
        Map<Integer, Set<TenantId>> asked = new HashMap<>();
        return node -> asked.computeIfAbsent(node, n -> replicas.tenants(n, block));
    }

    private void repair(Replicas scoped, int[] owners, int[] draining, TimeBlock block, ReplicaDiff.Owners owns,
            IntFunction<Set<TenantId>> tenantsOf) {
        Set<TenantId> tenants = new TreeSet<>();
        for (int node : owners) {
            tenants.addAll(tenantsOf.apply(node));
        }
        int[] holders = IntStream.concat(Arrays.stream(owners), Arrays.stream(draining)).toArray();
        ReplicaDiff.Owners writable = (node, tenant, labels) -> Holders.contains(owners, node)
                && owns.owns(node, tenant, labels);
        RangeDescent descent = new RangeDescent(scoped, leafSeries);
        for (TenantId tenant : tenants) {
            RangeDescent.Differences diff = descent.differing(owners, tenant, block);
            tally.rangesDiffering.addAndGet(diff.rangesDiffering());
            for (HashRange leaf : diff.leaves()) {
                repairRange(scoped, holders, writable, tenant, block, leaf);
            }
        }
    }

    private void repairRange(Replicas scoped, int[] holders, ReplicaDiff.Owners writable, TenantId tenant,
            TimeBlock block, HashRange range) {
        List<List<TimeSeries>> held = new ArrayList<>(holders.length);
        for (int node : holders) {
            held.add(scoped.series(node, tenant, block, range));
        }
        ReplicaDiff.Result result = ReplicaDiff.of(tenant, holders, held, writable);
        tally.conflicts.addAndGet(result.conflicts());
        for (Map.Entry<Integer, List<TimeSeries>> e : result.missing().entrySet()) {
            for (List<TimeSeries> batch : batches(e.getValue())) {
                replicas.write(e.getKey(), tenant, batch);
                tally.samplesCopied.addAndGet(batch.stream().mapToLong(TimeSeries::size).sum());
            }
        }
    }

    private List<List<TimeSeries>> batches(List<TimeSeries> series) {
        List<List<TimeSeries>> out = new ArrayList<>();
        List<TimeSeries> current = new ArrayList<>();
        long samples = 0;
        for (TimeSeries ts : series) {
            if (!current.isEmpty() && samples + ts.size() > maxSamplesPerWrite) {
                out.add(current);
                current = new ArrayList<>();
                samples = 0;
            }
            current.add(ts);
            samples += ts.size();
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
