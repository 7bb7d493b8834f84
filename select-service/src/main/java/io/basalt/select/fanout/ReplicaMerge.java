package io.basalt.select.fanout;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins the answers of several storage nodes into one series list: copies of the same series (replication, or a
 * series rerouted while a node was down) become one series whose samples are the union by timestamp.
 */
public final class ReplicaMerge {

    private ReplicaMerge() {
    }

    /** @return series sorted by labels, each with strictly increasing timestamps */
    public static List<TimeSeries> merge(List<List<TimeSeries>> answers) {
        Accumulator merged = new Accumulator();
        for (List<TimeSeries> answer : answers) {
            for (TimeSeries s : answer) {
                merged.add(s);
            }
        }
        return merged.sorted();
    }

    /**
     * Merges series one at a time as they arrive from any node, so that an answer is never held twice (once as it
     * came, once merged) and the samples it holds are known at every moment.
     */
    public static final class Accumulator {

        private final Map<Labels, TimeSeries> byLabels = new HashMap<>();

        /** @return how many samples the merged answer grew by: all of a new series', only new timestamps of a copy */
        public synchronized long add(TimeSeries series) {
            TimeSeries known = byLabels.putIfAbsent(series.labels(), series);
            if (known == null) {
                return series.size();
            }
            TimeSeries union = union(List.of(known, series));
            byLabels.put(series.labels(), union);
            return union.size() - known.size();
        }

        public synchronized List<TimeSeries> sorted() {
            List<TimeSeries> out = new ArrayList<>(byLabels.values());
            out.sort((a, b) -> a.labels().compareTo(b.labels()));
            return out;
        }
    }

    private static TimeSeries union(List<TimeSeries> copies) {
        int total = 0;
        for (TimeSeries c : copies) {
            total += c.size();
        }
        long[] ts = new long[total];
        double[] vs = new double[total];
        int n = 0;
        int[] pos = new int[copies.size()];
        while (true) {
            int pick = -1;
            long min = Long.MAX_VALUE;
            for (int c = 0; c < copies.size(); c++) {
                if (pos[c] < copies.get(c).size() && copies.get(c).timestamp(pos[c]) < min) {
                    min = copies.get(c).timestamp(pos[c]);
                    pick = c;
                }
            }
            if (pick < 0) {
                break;
            }
            ts[n] = min;
            vs[n++] = copies.get(pick).value(pos[pick]);
            // Every copy holding the same timestamp is the same sample: skip them all.
            for (int c = 0; c < copies.size(); c++) {
                while (pos[c] < copies.get(c).size() && copies.get(c).timestamp(pos[c]) == min) {
                    pos[c]++;
                }
            }
        }
        return new TimeSeries(copies.get(0).labels(), Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
    }
}
