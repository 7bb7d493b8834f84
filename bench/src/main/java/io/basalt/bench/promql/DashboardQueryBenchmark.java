package io.basalt.bench.promql;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.EngineSettings;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.QueryResult;
import io.basalt.promql.engine.SeriesSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Range queries a Grafana dashboard typically sends (1 h at 15 s steps) over 200 in-memory counter series scraped
 * every 15 s for 3 h. Measures the engine alone: the source is an in-memory list.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DashboardQueryBenchmark {

    private static final long HOUR = 3_600_000;

    @Param({ "sum by (job) (rate(http_requests_total[5m]))",
        "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
        "topk(5, http_requests_total)", "max_over_time(rate(http_requests_total[1m])[10m:30s])" })
    public String query;

    private final PromqlEngine engine = new PromqlEngine(EngineSettings.DEFAULTS);

    private SeriesSource source;

    @Setup
    public void load() {
        List<TimeSeries> all = new ArrayList<>();
        int points = (int) (3 * HOUR / 15_000);
        for (int s = 0; s < 200; s++) {
            Labels labels = Labels.of("__name__", "http_requests_total", "job", "job" + s % 4, "instance", "i" + s);
            all.add(counter(labels, points, s));
        }
        String[] bounds = { "0.1", "0.5", "1", "+Inf" };
        for (int s = 0; s < 20; s++) {
            for (int b = 0; b < bounds.length; b++) {
                Labels labels = Labels.of("__name__", "http_request_duration_seconds_bucket", "le", bounds[b],
                        "instance", "i" + s);
                all.add(counter(labels, points, b + 1));
            }
        }
        source = (matchers, min, max) -> {
            List<TimeSeries> out = new ArrayList<>();
            for (TimeSeries ts : all) {
                boolean match = true;
                for (LabelMatcher m : matchers) {
                    match &= m.matches(ts.labels());
                }
                if (match) {
                    out.add(ts);
                }
            }
            return out;
        };
    }

    private static TimeSeries counter(Labels labels, int points, int rate) {
        long[] ts = new long[points];
        double[] vs = new double[points];
        for (int i = 0; i < points; i++) {
            ts[i] = i * 15_000L;
            vs[i] = i * (double) rate;
        }
        return new TimeSeries(labels, ts, vs);
    }

    @Benchmark
    public QueryResult oneHourAt15s() {
        return engine.rangeQuery(source, query, HOUR, 2 * HOUR, 15_000);
    }
}
