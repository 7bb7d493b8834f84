package io.basalt.insert.repair;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.ReplicaDigests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Replicas held in memory, one sample per series and timestamp as the engine keeps them, with calls counted. */
final class InMemoryReplicas implements Replicas {

    private final List<Map<TenantId, Map<Labels, TreeMap<Long, Double>>>> nodes = new ArrayList<>();

    int digestCalls;

    int seriesCalls;

    int writes;

    long largestWrite;

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
        digestCalls++;
        ReplicaDigests out = new ReplicaDigests(range.prefix(), range.prefixBits(), bucketBits);
        for (TimeSeries ts : inBlock(node, tenant, block)) {
            out.add(SeriesHash.of(tenant, ts.labels()), ts);
        }
        return out;
    }

    @Override
    public List<TimeSeries> series(int node, TenantId tenant, TimeBlock block, HashRange range) {
        seriesCalls++;
        return inBlock(node, tenant, block).stream()
            .filter(ts -> range.contains(SeriesHash.of(tenant, ts.labels())))
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
