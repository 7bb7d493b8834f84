package io.basalt.select.fanout;

import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joins the answers of several storage nodes into one series list: copies of the same series (replication, or a
 * series rerouted while a node was down) become one series whose samples are the union by timestamp.
 */
public final class ReplicaMerge {

    private ReplicaMerge() {
    }

    /**
     * @return series sorted by labels, each with strictly increasing timestamps. One stable sort of all answers
     * brings copies together in answer order; it costs far less than a sorted map of tens of thousands of series.
     */
    public static List<TimeSeries> merge(List<List<TimeSeries>> answers) {
        int total = 0;
        for (List<TimeSeries> answer : answers) {
            total += answer.size();
        }
        List<TimeSeries> all = new ArrayList<>(total);
        for (List<TimeSeries> answer : answers) {
            all.addAll(answer);
        }
        all.sort((a, b) -> a.labels().compareTo(b.labels()));
        List<TimeSeries> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size();) {
            int j = i + 1;
            while (j < all.size() && all.get(j).labels().equals(all.get(i).labels())) {
                j++;
            }
            out.add(j - i == 1 ? all.get(i) : union(all.subList(i, j)));
            i = j;
        }
        return out;
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
