package io.basalt.promql.conformance;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.SeriesSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal series store for engine tests: samples appended in time order per series. */
public final class InMemorySeries implements SeriesSource {

    private final Map<Labels, Builder> series = new LinkedHashMap<>();

    private static final class Builder {
        long[] ts = new long[16];
        double[] vs = new double[16];
        int n;
    }

    public synchronized void add(Labels labels, long timestamp, double value) {
        Builder b = series.computeIfAbsent(labels, l -> new Builder());
        if (b.n > 0 && b.ts[b.n - 1] >= timestamp) {
            if (b.ts[b.n - 1] == timestamp) {
                b.vs[b.n - 1] = value;
            }
            return;
        }
        if (b.n == b.ts.length) {
            b.ts = Arrays.copyOf(b.ts, b.n * 2);
            b.vs = Arrays.copyOf(b.vs, b.n * 2);
        }
        b.ts[b.n] = timestamp;
        b.vs[b.n++] = value;
    }

    /** An independent store holding the same samples: later adds to either do not show in the other. */
    public synchronized InMemorySeries copy() {
        InMemorySeries c = new InMemorySeries();
        for (Map.Entry<Labels, Builder> e : series.entrySet()) {
            Builder from = e.getValue();
            Builder to = new Builder();
            to.ts = Arrays.copyOf(from.ts, from.ts.length);
            to.vs = Arrays.copyOf(from.vs, from.vs.length);
            to.n = from.n;
            c.series.put(e.getKey(), to);
        }
        return c;
    }

    public synchronized void clear() {
        series.clear();
    }

    @Override
    public synchronized List<TimeSeries> select(List<LabelMatcher> matchers, long minTime, long maxTime) {
        List<TimeSeries> out = new ArrayList<>();
        for (Map.Entry<Labels, Builder> e : series.entrySet()) {
            boolean all = true;
            for (LabelMatcher m : matchers) {
                if (!m.matches(e.getKey())) {
                    all = false;
                    break;
                }
            }
            if (!all) {
                continue;
            }
            Builder b = e.getValue();
            int from = 0;
            while (from < b.n && b.ts[from] < minTime) {
                from++;
            }
            int to = from;
            while (to < b.n && b.ts[to] <= maxTime) {
                to++;
            }
            if (to > from) {
                out.add(new TimeSeries(e.getKey(), Arrays.copyOfRange(b.ts, from, to),
                        Arrays.copyOfRange(b.vs, from, to)));
            }
        }
        return out;
    }
}
