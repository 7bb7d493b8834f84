package io.basalt.tsdb.index;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * An inverted index over one tenant's series in one time partition: label name → value → series ids, kept sorted
 * by value so regex prefixes are ranges. Equality and literal alternations are direct lookups; negative matchers
 * subtract; only a regex without a usable literal reads every value of its label (never every series).
 */
public final class LabelIndex {

    private final Map<String, TreeMap<String, RoaringBitmap>> postings = new HashMap<>();

    /** Series that have each label name, to answer matchers that also select series lacking the label. */
    private final Map<String, RoaringBitmap> withName = new HashMap<>();

    private final RoaringBitmap all = new RoaringBitmap();

    /** UTC day number → series with samples that day, so a month partition still answers at day granularity. */
    private final TreeMap<Long, RoaringBitmap> days = new TreeMap<>();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    public boolean contains(int id) {
        lock.readLock().lock();
        try {
            return all.contains(id);
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Whether {@code id} is already known for every day in {@code [firstDay, lastDay]}. */
    public boolean covers(int id, long firstDay, long lastDay) {
        lock.readLock().lock();
        try {
            for (long d = firstDay; d <= lastDay; d++) {
                RoaringBitmap ids = days.get(d);
                if (ids == null || !ids.contains(id)) {
                    return false;
                }
            }
            return true;
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Indexes a series as having samples on UTC days {@code firstDay..lastDay}. */
    public void add(int id, Labels labels, long firstDay, long lastDay) {
        lock.writeLock().lock();
        try {
            for (long d = firstDay; d <= lastDay; d++) {
                days.computeIfAbsent(d, k -> new RoaringBitmap()).add(id);
            }
            if (all.contains(id)) {
                return;
            }
            all.add(id);
            for (int i = 0; i < labels.size(); i++) {
                String name = labels.name(i);
                postings.computeIfAbsent(name, k -> new TreeMap<>())
                    .computeIfAbsent(labels.value(i), k -> new RoaringBitmap()).add(id);
                withName.computeIfAbsent(name, k -> new RoaringBitmap()).add(id);
            }
        }
        finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets deleted series; {@code labelsOf} gives each id's labels so only their postings are touched. */
    public void remove(RoaringBitmap ids, java.util.function.IntFunction<Labels> labelsOf) {
        lock.writeLock().lock();
        try {
            for (int id : ids) {
                if (!all.contains(id)) {
                    continue;
                }
                all.remove(id);
                days.values().forEach(d -> d.remove(id));
                Labels labels = labelsOf.apply(id);
                for (int i = 0; i < labels.size(); i++) {
                    TreeMap<String, RoaringBitmap> values = postings.get(labels.name(i));
                    RoaringBitmap ps = values == null ? null : values.get(labels.value(i));
                    if (ps != null) {
                        ps.remove(id);
                        if (ps.isEmpty()) {
                            values.remove(labels.value(i));
                        }
                    }
                    RoaringBitmap named = withName.get(labels.name(i));
                    if (named != null) {
                        named.remove(id);
                    }
                }
            }
        }
        finally {
            lock.writeLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return all.getCardinality();
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Ids of the series matching every matcher; all series when there are none. The result is the caller's. */
    public RoaringBitmap select(List<LabelMatcher> matchers) {
        return select(matchers, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Like {@link #select(List)}, restricted to series with samples on a UTC day in {@code [firstDay, lastDay]}. */
    public RoaringBitmap select(List<LabelMatcher> matchers, long firstDay, long lastDay) {
        lock.readLock().lock();
        try {
            RoaringBitmap result = null;
            if (days.isEmpty() || firstDay > days.firstKey() || lastDay < days.lastKey()) {
                result = new RoaringBitmap();
                for (RoaringBitmap ids : days.subMap(firstDay, true, lastDay, true).values()) {
                    result.or(ids);
                }
            }
            // Positive, selective matchers first: the intersection shrinks fastest and can stop early.
            List<LabelMatcher> ordered = matchers.stream()
                .sorted((a, b) -> Boolean.compare(a.matchesEmpty(), b.matchesEmpty())).toList();
            for (LabelMatcher m : ordered) {
                if (result != null && result.isEmpty()) {
                    return result;
                }
                RoaringBitmap ids = matching(m);
                result = result == null ? ids : RoaringBitmap.and(result, ids);
                if (result.isEmpty()) {
                    return result;
                }
            }
            return result == null ? all.clone() : result;
        }
        finally {
            lock.readLock().unlock();
        }
    }

    private RoaringBitmap matching(LabelMatcher m) {
        TreeMap<String, RoaringBitmap> values = postings.getOrDefault(m.name(), EMPTY);
        boolean negative = m.type() == LabelMatcher.Type.NOT_EQUAL || m.type() == LabelMatcher.Type.NOT_REGEX;
        // Series carrying the label whose value satisfies the positive form of the matcher.
        RoaringBitmap positive = switch (m.type()) {
            case EQUAL, NOT_EQUAL -> {
                RoaringBitmap ps = values.get(m.value());
                yield ps == null ? new RoaringBitmap() : ps.clone();
            }
            case REGEX, NOT_REGEX -> regexMatches(values, m);
        };
        RoaringBitmap named = withName.getOrDefault(m.name(), new RoaringBitmap());
        RoaringBitmap satisfied = negative ? RoaringBitmap.andNot(named, positive) : positive;
        if (m.matchesEmpty()) {
            // A series without the label has value "" for matching purposes.
            satisfied.or(RoaringBitmap.andNot(all, named));
        }
        return satisfied;
    }

    private static RoaringBitmap regexMatches(TreeMap<String, RoaringBitmap> values, LabelMatcher m) {
        LabelMatcher positive = m.type() == LabelMatcher.Type.REGEX ? m
                : LabelMatcher.of(LabelMatcher.Type.REGEX, m.name(), m.value());
        RegexPlan plan = RegexPlan.of(m.value());
        RoaringBitmap out = new RoaringBitmap();
        if (plan.exact()) {
            for (String v : plan.exactValues()) {
                RoaringBitmap ps = values.get(v);
                if (ps != null) {
                    out.or(ps);
                }
            }
            return out;
        }
        NavigableMap<String, RoaringBitmap> range = plan.prefix().isEmpty() ? values
                : values.subMap(plan.prefix(), true, plan.prefix() + Character.MAX_VALUE, false);
        for (Map.Entry<String, RoaringBitmap> e : range.entrySet()) {
            if (positive.matches(e.getKey())) {
                out.or(e.getValue());
            }
        }
        return out;
    }

    private static final TreeMap<String, RoaringBitmap> EMPTY = new TreeMap<>();
}
