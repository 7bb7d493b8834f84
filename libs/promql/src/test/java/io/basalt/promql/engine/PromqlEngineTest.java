package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.conformance.InMemorySeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PromqlEngineTest {

    private static final Labels UP = Labels.of("__name__", "up", "job", "a");

    private final List<long[]> calls = new ArrayList<>();

    private final SeriesSource source = (matchers, min, max) -> {
        calls.add(new long[] { min, max });
        List<TimeSeries> out = new ArrayList<>();
        long[] ts = new long[100];
        double[] vs = new double[100];
        for (int i = 0; i < 100; i++) {
            ts[i] = i * 15_000L;
            vs[i] = i;
        }
        if (matchers.stream().allMatch(m -> m.matches(UP))) {
            out.add(new TimeSeries(UP, ts, vs));
        }
        return out;
    };

    private final PromqlEngine engine = new PromqlEngine(EngineSettings.DEFAULTS);

    @Test
    void rangeQueriesFetchEachSelectorOnceForTheWholeRange() {
        engine.rangeQuery(source, "rate(up[5m] offset 1m) + up", 600_000, 1_200_000, 15_000);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsExactly(600_000 - 60_000 - 300_000, 1_200_000 - 60_000);
        assertThat(calls.get(1)).containsExactly(600_000 - 300_000, 1_200_000);
    }

    @Test
    void subqueriesWidenTheFetchedRange() {
        engine.instantQuery(source, "max_over_time(up[10m:1m] offset 5m)", 1_200_000);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).containsExactly(1_200_000 - 300_000 - 600_000 - 300_000, 1_200_000 - 300_000);
    }

    @Test
    void rangeQueryResultsAreSortedMatricesStampedAtEachStep() {
        QueryResult.Matrix m = (QueryResult.Matrix) engine.rangeQuery(source, "up", 0, 60_000, 30_000);
        assertThat(m.series()).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(UP);
            assertThat(s.timestamps()).containsExactly(0, 30_000, 60_000);
            assertThat(s.values()).containsExactly(0, 2, 4);
        });
    }

    @Test
    void scalarRangeQueriesBecomeOneUnlabelledSeries() {
        QueryResult.Matrix m = (QueryResult.Matrix) engine.rangeQuery(source, "time()", 0, 2000, 1000);
        assertThat(m.series()).singleElement().satisfies(s -> assertThat(s.values()).containsExactly(0, 1, 2));
    }

    @Test
    void instantQueriesReturnTheShapeOfTheExpression() {
        assertThat(engine.instantQuery(source, "1 + 1", 0)).isEqualTo(new QueryResult.Scalar(0, 2));
        assertThat(engine.instantQuery(source, "\"hi\"", 5)).isEqualTo(new QueryResult.StringValue(5, "hi"));
        assertThat(engine.instantQuery(source, "up[30s]", 30_000)).isInstanceOfSatisfying(QueryResult.Matrix.class,
                m -> assertThat(m.series().get(0).timestamps()).containsExactly(0, 15_000, 30_000));
    }

    @Test
    void rangeQueriesRejectRangeVectors() {
        assertThatThrownBy(() -> engine.rangeQuery(source, "up[5m]", 0, 10, 1))
                .isInstanceOfSatisfying(PromqlException.class,
                        e -> assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.BAD_DATA))
                .hasMessage("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
    }

    @Test
    void sampleLimitFailsTheQueryWithAClearError() {
        PromqlEngine small = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 50, 10));
        assertThatThrownBy(() -> small.instantQuery(source, "sum_over_time(up[1h])", 1_500_000))
                .isInstanceOfSatisfying(PromqlException.class,
                        e -> assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.EXECUTION))
                .hasMessageContaining("too many samples");
    }

    @Test
    void sampleLimitErrorNamesTheLimitAndHowToNarrowTheQuery() {
        PromqlEngine small = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 50, 10));
        assertThatThrownBy(() -> small.instantQuery(source, "sum_over_time(up[1h])", 1_500_000))
                .isInstanceOfSatisfying(QueryLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(QueryLimitException.Limit.SAMPLES))
                .hasMessageStartingWith("query processing would load too many samples into memory in query execution")
                .hasMessageContaining("maxSamples=50")
                .hasMessageContaining("a shorter time range")
                .hasMessageContaining("a bigger step");
    }

    @Test
    void intermediateVectorsOfAStepCountAgainstTheSampleLimit() {
        InMemorySeries wide = new InMemorySeries();
        for (int i = 0; i < 10; i++) {
            wide.add(Labels.of("__name__", "x", "i", Integer.toString(i)), 0, i);
        }
        // 10 decoded samples; at the step: four selector outputs, three sums of 10 elements, and one count.
        PromqlEngine engine = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 50, 100));
        assertThatThrownBy(() -> engine.instantQuery(wide, "count(x + x + x + x)", 0))
                .isInstanceOf(QueryLimitException.class);
        PromqlEngine roomy = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 81, 100));
        assertThat(roomy.instantQuery(wide, "count(x + x + x + x)", 0)).isInstanceOfSatisfying(
                QueryResult.Vector.class, v -> assertThat(v.samples()).singleElement()
                        .satisfies(s -> assertThat(s.value()).isEqualTo(10)));
    }

    @Test
    void instantRangeFunctionsDoNotHoldASecondCopyOfTheSelectedSamples() {
        InMemorySeries many = new InMemorySeries();
        for (int i = 0; i < 10; i++) {
            for (int k = 0; k < 100; k++) {
                many.add(Labels.of("__name__", "x", "i", Integer.toString(i)), k * 15_000L, k);
            }
        }
        // 1,000 decoded samples and 10 results fit; 1,000 more for the windows would not.
        PromqlEngine engine = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 1_500, 100));
        assertThat(engine.instantQuery(many, "count_over_time(x[1h])", 1_485_000)).isInstanceOfSatisfying(
                QueryResult.Vector.class, v -> assertThat(v.samples()).hasSize(10)
                        .allSatisfy(s -> assertThat(s.value()).isEqualTo(100)));
    }

    @Test
    void subqueryStepsBehindTheWindowAreReleased() {
        // 3,660 inner steps over the hour, but only one 61-step window is needed at a time.
        PromqlEngine engine = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 1_000, 100));
        QueryResult.Matrix m = (QueryResult.Matrix) engine.rangeQuery(source, "max_over_time(vector(1)[1m:1s])", 0,
                3_600_000, 60_000);
        assertThat(m.series()).singleElement().satisfies(s -> assertThat(s.size()).isEqualTo(61));
    }

    @Test
    void subqueryWithTooManyPointsPerWindowIsRefusedBeforeAnyWork() {
        AtomicInteger reads = new AtomicInteger();
        SeriesSource counting = (matchers, min, max) -> {
            reads.incrementAndGet();
            return source.select(matchers, min, max);
        };
        assertThatThrownBy(() -> engine.instantQuery(counting, "count_over_time(up[1h:1ms])", 3_600_000))
                .isInstanceOfSatisfying(QueryLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(QueryLimitException.Limit.SUBQUERY_POINTS))
                .hasMessageContaining("3600001 points per series")
                .hasMessageContaining("maxSubqueryPoints=100000")
                .hasMessageContaining("a bigger subquery resolution");
        assertThat(reads).hasValue(0);
        assertThatThrownBy(() -> engine.instantQuery(counting, "count_over_time(vector(1)[1h:1ms])", 3_600_000))
                .isInstanceOf(QueryLimitException.class);
        assertThat(engine.instantQuery(counting, "count_over_time(vector(1)[99s:1ms])", 3_600_000))
                .isInstanceOfSatisfying(QueryResult.Vector.class,
                        v -> assertThat(v.samples().get(0).value()).isEqualTo(99_001));
    }

    @Test
    void seriesLimitFailsTheQuery() {
        PromqlEngine small = new PromqlEngine(new EngineSettings(Duration.ofMinutes(5), 1_000_000, 0));
        assertThatThrownBy(() -> small.instantQuery(source, "up", 0)).isInstanceOf(PromqlException.class)
                .hasMessageContaining("more than the limit of 0");
    }

    @Test
    void cancellationStopsEvaluation() {
        Cancellation expired = Cancellation.deadline(System.nanoTime() - 1);
        assertThatThrownBy(() -> engine.rangeQuery(source, "up", 0, 1_000_000, 1000, expired))
                .isInstanceOfSatisfying(PromqlException.class,
                        e -> assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.TIMEOUT));
    }

    @Test
    void seriesSelectorsParseForMatchParameters() {
        assertThat(PromqlEngine.parseSeriesSelector("up{job=~\"a.*\"}")).containsExactly(
                LabelMatcher.equal("__name__", "up"), LabelMatcher.of(LabelMatcher.Type.REGEX, "job", "a.*"));
        assertThatThrownBy(() -> PromqlEngine.parseSeriesSelector("sum(up)")).isInstanceOfSatisfying(
                PromqlException.class, e -> assertThat(e.errorType()).isEqualTo(PromqlException.ErrorType.BAD_DATA));
        assertThatThrownBy(() -> PromqlEngine.parseSeriesSelector("up{")).hasMessageStartingWith("1:4: parse error");
    }
}
