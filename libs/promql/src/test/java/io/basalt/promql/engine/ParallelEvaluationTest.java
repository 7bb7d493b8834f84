package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Range queries whose series are evaluated on several threads give, bit for bit, what instant queries give at each
 * step, and finish even when the executor never runs what it is given.
 */
class ParallelEvaluationTest {

    private static final long MINUTE = 60_000;

    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void manySeriesOnSeveralThreadsGiveWhatOneThreadGives() {
        List<TimeSeries> data = counters(600);
        SeriesSource source = (matchers, min, max) -> data.stream()
            .filter(ts -> matchers.stream().allMatch(m -> m.matches(ts.labels())))
            .toList();
        PromqlEngine alone = new PromqlEngine(EngineSettings.DEFAULTS);
        PromqlEngine parallel = new PromqlEngine(EngineSettings.DEFAULTS, pool);
        long start = 30 * MINUTE;
        long end = 90 * MINUTE;
        long step = 15_000;
        for (String q : List.of("sum by (job) (rate(c[5m]))", "c / on (i) c", "avg(rate(c[2m]) * 2)",
                "topk(3, increase(c[5m]))", "histogram_quantile(0.5, sum by (le) (rate(c[5m])))",
                "max_over_time(rate(c[1m])[10m:1m])")) {
            // by definition, an instant query at every step
            Map<Labels, List<String>> steps = new TreeMap<>(Labels::compareTo);
            for (long t = start; t <= end; t += step) {
                for (QueryResult.Sample sample : ((QueryResult.Vector) alone.instantQuery(source, q, t)).samples()) {
                    steps.computeIfAbsent(sample.labels(), k -> new ArrayList<>())
                        .add(point(sample.labels(), t, sample.value()));
                }
            }
            List<String> expected = new ArrayList<>();
            steps.values().forEach(expected::addAll);
            assertThat(expected).as(q).isNotEmpty();
            for (int run = 0; run < 3; run++) {
                assertThat(bits(parallel.rangeQuery(source, q, start, end, step))).as(q).isEqualTo(expected);
            }
        }
    }

    @Test
    void anExecutorThatNeverRunsItsTasksOnlyCostsTheParallelism() {
        ConcurrentLinkedQueue<Runnable> neverRun = new ConcurrentLinkedQueue<>();
        List<Integer> results = ParallelPieces.run(neverRun::add, pieces(5));
        assertThat(results).containsExactly(0, 1, 2, 3, 4);
        assertThat(neverRun).hasSize(4);
    }

    @Test
    void aRejectingExecutorOnlyCostsTheParallelism() {
        List<Integer> results = ParallelPieces.run(task -> {
            throw new RejectedExecutionException("full");
        }, pieces(3));
        assertThat(results).containsExactly(0, 1, 2);
    }

    @Test
    void theFirstFailingPieceInOrderIsWhatFails() {
        List<Supplier<Integer>> pieces = List.of(() -> 1, () -> {
            throw new IllegalStateException("second");
        }, () -> {
            throw new IllegalArgumentException("third");
        });
        assertThatThrownBy(() -> ParallelPieces.run(pool, pieces)).isInstanceOf(IllegalStateException.class)
            .hasMessage("second");
    }

    /** Each point as "labels time value-bits", so that NaN equals NaN and -0 is not 0. */
    private static List<String> bits(QueryResult result) {
        List<String> out = new ArrayList<>();
        for (TimeSeries ts : ((QueryResult.Matrix) result).series()) {
            for (int i = 0; i < ts.size(); i++) {
                out.add(point(ts.labels(), ts.timestamp(i), ts.value(i)));
            }
        }
        return out;
    }

    private static String point(Labels labels, long t, double v) {
        return labels + " " + t + " " + Double.doubleToRawLongBits(v);
    }

    private static List<Supplier<Integer>> pieces(int n) {
        List<Supplier<Integer>> pieces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int value = i;
            pieces.add(() -> value);
        }
        return pieces;
    }

    /** Counters with irregular increments and one reset each, spread over jobs, instances and buckets. */
    private static List<TimeSeries> counters(int count) {
        Random random = new Random(42);
        String[] le = { "0.1", "1", "10", "+Inf" };
        List<TimeSeries> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int points = 6 * 60;
            long[] ts = new long[points];
            double[] vs = new double[points];
            double v = 0;
            for (int i = 0; i < points; i++) {
                ts[i] = i * 15_000L + random.nextInt(1_000);
                v = i == points / 2 ? 0 : v + random.nextDouble() * 10;
                vs[i] = v;
            }
            out.add(new TimeSeries(Labels.of("__name__", "c", "job", "j" + s % 7, "i", "i" + s, "le", le[s % 4]), ts,
                    vs));
        }
        return out;
    }
}
