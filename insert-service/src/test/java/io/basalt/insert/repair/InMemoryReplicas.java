package io.basalt.insert.repair;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.OwnerSet;
import io.basalt.wire.cluster.ReplicaDigests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Replicas held in memory, one sample per series and timestamp as the engine keeps them, with calls counted; a scoped
 * view limits digests and reads to its owner set as storage does.
 */
final class InMemoryReplicas implements Replicas {

    private final List<Map<TenantId, Map<Labels, TreeMap<Long, Double>>>> nodes = new ArrayList<>();

    int digestCalls;

    int seriesCalls;

    int writes;

    long largestWrite;

    final List<OwnerSet> scopesAsked = new ArrayList<>();

    /** Answers every series whatever the scope, as a storage node that ignored it would. */
    boolean ignoresScopes;

    InMemoryReplicas(int nodeCount) {
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new TreeMap<>());
        }
    }

    void put(int node, TenantId tenant, Labels labels, long timestamp, double value) {
        nodes.get(node).computeIfAbsent(tenant, t -> new HashMap<>())
            .computeIfAbsent(labels, l -> new TreeMap<>())
            .put(timestamp, value);
    }

    /** Everything node {@code node} holds of {@code tenant}: labels to timestamp to value. */
    Map<Labels, TreeMap<Long, Double>> held(int node, TenantId tenant) {
        return nodes.get(node).getOrDefault(tenant, Map.of());
    }

    @Override
    public Set<TenantId> tenants(int node, TimeBlock block) {
        return nodes.get(node).keySet();
    }

    @Override
    public ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range, int bucketBits) {
        return digests(node, tenant, block, range, bucketBits, hash -> true);
    }

    @Override
    public List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range) {
        return series(node, tenant, block, range, hash -> true);
    }

    @Override
    public Replicas scopedTo(OwnerSet scope) {
        if (scope == null) {
            return this;
        }
        scopesAsked.add(scope);
        if (ignoresScopes) {
            return this;
        }
        LongPredicate owned = scope.ownsExactly();
        return new Replicas() {
            @Override
            public Set<TenantId> tenants(int node, TimeBlock block) {
                return InMemoryReplicas.this.tenants(node, block);
            }

            @Override
            public ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range,
                    int bucketBits) {
                return InMemoryReplicas.this.digests(node, tenant, block, range, bucketBits, owned);
            }

            @Override
            public List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range) {
                return InMemoryReplicas.this.series(node, tenant, block, range, owned);
            }

            @Override
            public Replicas scopedTo(OwnerSet other) {
                return InMemoryReplicas.this.scopedTo(other);
            }

            @Override
            public void write(int node, TenantId tenant, List<TimeSeries> series) {
                InMemoryReplicas.this.write(node, tenant, series);
            }
        };
    }

    private ReplicaDigests digests(int node, TenantId tenant, TimeBlock block, HashRange range, int bucketBits,
            LongPredicate owned) {
        digestCalls++;
        ReplicaDigests out = new ReplicaDigests(range.prefix(), range.prefixBits(), bucketBits);
        for (TimeSeries ts : inBlock(node, tenant, block)) {
            long hash = SeriesHash.of(tenant, ts.labels());
            if (range.contains(hash) && owned.test(hash)) {
                out.add(hash, ts);
            }
        }
        return out;
    }

    private List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range, LongPredicate owned) {
        seriesCalls++;
        return inBlock(node, tenant, block).stream()
            .filter(ts -> {
                long hash = SeriesHash.of(tenant, ts.labels());
                return range.contains(hash) && owned.test(hash);
            })
            .toList();
    }

    @Override
    public void write(int node, TenantId tenant, List<TimeSeries> series) {
        writes++;
        largestWrite = Math.max(largestWrite, series.stream().mapToLong(TimeSeries::size).sum());
        for (TimeSeries ts : series) {
            for (int i = 0; i < ts.size(); i++) {
                put(node, tenant, ts.labels(), ts.timestamp(i), ts.value(i));
            }
        }
    }

    private List<TimeSeries> inBlock(int node, TenantId tenant, TimeBlock block) {
        List<TimeSeries> out = new ArrayList<>();
        held(node, tenant).forEach((labels, samples) -> {
            var in = samples.subMap(block.start(), block.end());
            if (!in.isEmpty()) {
                out.add(new TimeSeries(labels, in.keySet().stream().mapToLong(Long::longValue).toArray(),
                        in.values().stream().mapToDouble(Double::doubleValue).toArray()));
            }
        });
        return out;
    }
}
