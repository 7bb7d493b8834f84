package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;

/**
 * A range query is, by definition, an instant query at every step. Range queries take faster paths (whole queries
 * series by series, {@link SeriesWise}; range functions over selectors for blocks of steps, {@link StepBlocks});
 * whatever the data, they must give what instant queries give, errors included.
 */
class RangeQueryPropertiesTest {

    private static final List<String> QUERIES = List.of(
            "rate(m[1m])", "increase(m[90s])", "delta(m[1m])", "irate(m[2m])", "sum_over_time(m[1m])",
            "avg_over_time(m[45s])", "count_over_time(m[1m])", "present_over_time(m[30s])",
            "last_over_time(m[1m])", "min_over_time(m[1m])", "max_over_time(m[2m])", "stddev_over_time(m[1m])",
            "stdvar_over_time(m[1m])", "rate(m[1m] offset 30s)", "sum by (k) (rate(m[1m]))",
            "rate({__name__=~\"m|n\"}[1m])", "max_over_time(m[1m] @ 600)", "rate(m[1m:10s])",
            "m", "m offset 1m", "m @ 300", "{__name__=~\"m|n\"}", "sum(m)", "avg by (k) (m)",
            "max by (k) (rate(m[1m]))", "min without (s) (m)", "count(m)", "group by (k) (m)", "stddev by (k) (m)",
            "stdvar(rate(m[1m]))", "sum(sum by (k) (m))", "m * 2", "2 - m", "(-1) * m", "m > 50", "50 < bool m",
            "{__name__=~\"m|n\"} * 2", "{__name__=~\"m|n\"} > 10", "rate(m[1m]) / on (s) rate(m[2m])",
            "m / ignoring (k) m", "m > on (s) m", "m - on (k) m", "m / on (k) group_left sum by (k) (m)",
            "sum by (k) (m) * on (k) group_right m", "1 - m / m", "max by (k) (1 - m / m)",
            "rate(m[1m]) + on (s) {__name__=~\"m|n\"}", "abs(sum by (k) (rate(m[1m])))",
            "sum by (k) (m) or count by (k) (m)", "last_over_time({__name__=~\"m|n\"}[1m]) - 1",
            "histogram_quantile(0.9, sum by (le) (rate(m[1m])))", "histogram_quantile(0.5, sum by (k, le) (m))",
            "topk(2, sum(m))", "sum by (k) (sum by (k, s) (m))", "avg(avg by (s) (m)) * 2",
            "topk(2, m)", "bottomk(1, rate(m[1m]))", "topk by (k) (2, {__name__=~\"m|n\"})",
            "bottomk by (k) (2, m * 0)", "topk(3, m > 40) * 2", "sum(topk(2, m))");

    private static final String[] LE = { "1", "10", "+Inf", "0.5" };

    private final PromqlEngine engine = new PromqlEngine(EngineSettings.DEFAULTS);

    @Test
    void rangeQueriesGiveWhatInstantQueriesGiveAtEachStep() {
        Seeded.forAll(1000, g -> rangeQueriesGiveWhatInstantQueriesGiveAtEachStep(g.anyLong(), g.intBetween(1, 8),
                g.intBetween(1, 40), g.intBetween(0, QUERIES.size() - 1)));
    }

    private void rangeQueriesGiveWhatInstantQueriesGiveAtEachStep(long seed, int seriesCount, int stepSeconds,
            int query) {
        Random random = new Random(seed);
        List<TimeSeries> data = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            // n and m share label sets apart from the name, so dropping names can make duplicates.
            String name = random.nextInt(4) == 0 ? "n" : "m";
            data.add(series(random, Labels.of("__name__", name, "k", "k" + s % 3, "s", "s" + s, "le",
                    LE[s % LE.length])));
        }
        SeriesSource source = (matchers, min, max) -> data.stream()
            .filter(ts -> matchers.stream().allMatch(m -> m.matches(ts.labels())))
            .toList();
        String q = QUERIES.get(query);
        long start = 60_000;
        long end = 900_000;
        long step = stepSeconds * 1000L;

        Map<Labels, Map<Long, Double>> expected = new HashMap<>();
        String expectedError = null;
        for (long t = start; t <= end; t += step) {
            try {
                QueryResult r = engine.instantQuery(source, q, t);
                for (QueryResult.Sample sample : ((QueryResult.Vector) r).samples()) {
                    expected.computeIfAbsent(sample.labels(), k -> new HashMap<>()).put(t, sample.value());
                }
            }
            catch (PromqlException e) {
                expectedError = e.getMessage();
                break;
            }
        }
        Map<Labels, Map<Long, Double>> actual = new HashMap<>();
        try {
            for (TimeSeries ts : ((QueryResult.Matrix) engine.rangeQuery(source, q, start, end, step)).series()) {
                Map<Long, Double> points = actual.computeIfAbsent(ts.labels(), k -> new HashMap<>());
                for (int i = 0; i < ts.size(); i++) {
                    points.put(ts.timestamp(i), ts.value(i));
                }
            }
        }
        catch (PromqlException e) {
            assertThat(e.getMessage()).as(q).isEqualTo(expectedError);
            return;
        }
        assertThat(expectedError).as(q).isNull();
        assertThat(bits(actual)).as(q).isEqualTo(bits(expected));
    }

    /** Irregular scrapes with gaps, a counter reset, NaN and staleness markers. */
    private static TimeSeries series(Random random, Labels labels) {
        List<Long> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        double v = random.nextInt(100);
        for (long t = random.nextInt(30_000); t < 1_000_000; t += 5_000 + random.nextInt(40_000)) {
            int kind = random.nextInt(40);
            ts.add(t);
            // fractional increments, so that a sum taken in another order shows in the last bits
            double next = kind == 2 ? (v = 0) : (v += random.nextInt(50) * 0.37);
            vs.add(kind == 0 ? StaleMarker.VALUE : kind == 1 ? Double.NaN : next);
        }
        return new TimeSeries(labels, ts.stream().mapToLong(Long::longValue).toArray(),
                vs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Compares values bit for bit, so NaN equals NaN. */
    private static Map<Labels, Map<Long, Long>> bits(Map<Labels, Map<Long, Double>> in) {
        Map<Labels, Map<Long, Long>> out = new HashMap<>();
        in.forEach((labels, points) -> {
            Map<Long, Long> b = new HashMap<>();
            points.forEach((t, v) -> b.put(t, Double.doubleToRawLongBits(v)));
            out.put(labels, b);
        });
        return out;
    }
}
