package io.basalt.insert.repair;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each replica lacks of one hash range: the union of every replica's samples, per series and timestamp, minus
 * what the replica holds, for the replicas that own the series. A timestamp held with different values on two
 * replicas is a conflict: the repairer cannot tell which write came last, so it copies neither and counts it.
 */
public final class ReplicaDiff {

    /** Whether node {@code node} (its index in {@code StorageNodes}) owns the tenant's series with these labels. */
    @FunctionalInterface
    public interface Owners {
        boolean owns(int node, TenantId tenant, Labels labels);
    }

    /**
     * @param missing per node index, the series it should have been given, with only the samples it lacks
     * @param samplesMissing the total number of samples in {@code missing}
     * @param conflicts timestamps held with different values by two replicas
     */
    public record Result(Map<Integer, List<TimeSeries>> missing, long samplesMissing, long conflicts) {
    }

    private ReplicaDiff() {
    }

    /** {@code held.get(i)} is what {@code nodes[i]} holds of the range, each series' timestamps ascending. */
    public static Result of(TenantId tenant, int[] nodes, List<List<TimeSeries>> held, Owners owners) {
        Map<Labels, TimeSeries[]> bySeries = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            for (TimeSeries ts : held.get(i)) {
                bySeries.computeIfAbsent(ts.labels(), l -> new TimeSeries[nodes.length])[i] = ts;
            }
        }
        Map<Integer, List<TimeSeries>> missing = new HashMap<>();
        long samplesMissing = 0;
        long conflicts = 0;
        for (Map.Entry<Labels, TimeSeries[]> e : bySeries.entrySet()) {
            TimeSeries[] copies = e.getValue();
            Union union = new Union();
            for (TimeSeries copy : copies) {
                if (copy != null) {
                    union.add(copy);
                }
            }
            conflicts += union.conflicts;
            for (int i = 0; i < nodes.length; i++) {
                if (!owners.owns(nodes[i], tenant, e.getKey())) {
                    continue;
                }
                TimeSeries lacking = union.without(e.getKey(), copies[i]);
                if (lacking.size() > 0) {
                    missing.computeIfAbsent(nodes[i], n -> new ArrayList<>()).add(lacking);
                    samplesMissing += lacking.size();
                }
            }
        }
        return new Result(missing, samplesMissing, conflicts);
    }

    /** Sorted union of copies of one series; the first value seen for a timestamp stays. */
    private static final class Union {

        long[] timestamps = new long[0];

        double[] values = new double[0];

        long conflicts;

        void add(TimeSeries copy) {
            long[] ts = new long[timestamps.length + copy.size()];
            double[] vs = new double[ts.length];
            int a = 0;
            int b = 0;
            int n = 0;
            while (a < timestamps.length || b < copy.size()) {
                if (b == copy.size() || (a < timestamps.length && timestamps[a] < copy.timestamp(b))) {
                    ts[n] = timestamps[a];
                    vs[n++] = values[a++];
                }
                else if (a == timestamps.length || copy.timestamp(b) < timestamps[a]) {
                    ts[n] = copy.timestamp(b);
                    vs[n++] = copy.value(b++);
                }
                else {
                    if (Double.doubleToRawLongBits(values[a]) != Double.doubleToRawLongBits(copy.value(b))) {
                        conflicts++;
                    }
                    ts[n] = timestamps[a];
                    vs[n++] = values[a++];
                    b++;
                }
            }
            timestamps = Arrays.copyOf(ts, n);
            values = Arrays.copyOf(vs, n);
        }

        /** The union's samples at timestamps {@code held} lacks ({@code held} may be null: it lacks all). */
        TimeSeries without(Labels labels, TimeSeries held) {
            long[] ts = new long[timestamps.length];
            double[] vs = new double[timestamps.length];
            int n = 0;
            int h = 0;
            int heldSize = held == null ? 0 : held.size();
            for (int u = 0; u < timestamps.length; u++) {
                while (h < heldSize && held.timestamp(h) < timestamps[u]) {
                    h++;
                }
                if (h < heldSize && held.timestamp(h) == timestamps[u]) {
                    continue;
                }
                ts[n] = timestamps[u];
                vs[n++] = values[u];
            }
            return new TimeSeries(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
        }
    }
}
