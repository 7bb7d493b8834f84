package io.basalt.tsdb;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A volatile engine: a sorted sample map per series and a linear scan for matching. It keeps nothing across
 * restarts; it exists for tests and as the reference model that the durable engine is checked against.
 */
public final class InMemoryStorage implements Storage {

    private record SeriesKey(TenantId tenant, Labels labels) {
    }

    /** Per series, timestamp to raw value bits; a later sample for the same timestamp wins. */
    private final Map<SeriesKey, ConcurrentSkipListMap<Long, Long>> data = new ConcurrentHashMap<>();

    private final AtomicLong samplesAppended = new AtomicLong();

    @Override
    public void append(TenantId tenant, List<TimeSeries> series) {
        for (TimeSeries ts : series) {
            var samples = data.computeIfAbsent(new SeriesKey(tenant, ts.labels()), k -> new ConcurrentSkipListMap<>());
            for (int i = 0; i < ts.size(); i++) {
                samples.put(ts.timestamp(i), Double.doubleToRawLongBits(ts.value(i)));
            }
            samplesAppended.addAndGet(ts.size());
        }
    }

    @Override
    public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
            Consumer<TimeSeries> sink) {
        data.entrySet().stream()
            .filter(e -> e.getKey().tenant().equals(tenant) && matchesAll(e.getKey().labels(), matchers))
            .sorted(Map.Entry.comparingByKey((a, b) -> a.labels().compareTo(b.labels())))
            .forEach(e -> {
                var window = e.getValue().subMap(minTime, true, maxTime, true);
                if (window.isEmpty()) {
                    return;
                }
                long[] ts = new long[window.size()];
                double[] vs = new double[window.size()];
                int i = 0;
                for (var s : window.entrySet()) {
                    if (i == ts.length) {
                        break; // concurrent appends grew the window; the next search sees them
                    }
                    ts[i] = s.getKey();
                    vs[i++] = Double.longBitsToDouble(s.getValue());
                }
                sink.accept(new TimeSeries(e.getKey().labels(), Arrays.copyOf(ts, i), Arrays.copyOf(vs, i)));
            });
    }

    @Override
    public List<Labels> series(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        List<Labels> out = new ArrayList<>();
        search(tenant, matchers, minTime, maxTime, ts -> out.add(ts.labels()));
        return out;
    }

    @Override
    public List<String> labelNames(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
        TreeSet<String> names = new TreeSet<>();
        for (Labels labels : series(tenant, matchers, minTime, maxTime)) {
            labels.forEach((n, v) -> names.add(n));
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(TenantId tenant, String name, List<LabelMatcher> matchers, long minTime,
            long maxTime) {
        TreeSet<String> values = new TreeSet<>();
        for (Labels labels : series(tenant, matchers, minTime, maxTime)) {
            if (labels.has(name)) {
                values.add(labels.get(name));
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public long seriesCount() {
        return data.size();
    }

    @Override
    public long samplesAppended() {
        return samplesAppended.get();
    }

    @Override
    public int deleteSeries(TenantId tenant, List<LabelMatcher> matchers) {
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("deleteSeries needs at least one matcher");
        }
        int[] deleted = { 0 };
        data.keySet().removeIf(k -> {
            boolean match = k.tenant().equals(tenant) && matchesAll(k.labels(), matchers);
            deleted[0] += match ? 1 : 0;
            return match;
        });
        return deleted[0];
    }

    @Override
    public void close() {
        data.clear();
    }

    private static boolean matchesAll(Labels labels, List<LabelMatcher> matchers) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
