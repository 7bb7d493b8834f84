package io.basalt.select.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.promql.engine.Cancellation;
import io.basalt.promql.engine.EngineSettings;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.PromqlException;
import io.basalt.promql.engine.QueryLimitException;
import io.basalt.promql.engine.QueryResult;
import io.basalt.promql.engine.SeriesSource;
import io.basalt.select.config.SelectProperties;
import io.basalt.select.fanout.PartialResult;
import io.basalt.select.fanout.QueryTimeoutException;
import io.basalt.select.fanout.ReadOptions;
import io.basalt.select.fanout.SampleBudget;
import io.basalt.select.fanout.StorageFanout;
import io.basalt.wire.cluster.SearchQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs API reads under the node's limits: admission (maxConcurrentSelects, then 503), the query deadline (the
 * evaluation stops through the engine's {@link Cancellation}, outstanding storage requests are cancelled and storage
 * nodes stop scanning), and PromQL evaluation on a worker thread with storage reads through the fan-out.
 */
@Component
public class QueryExecutor {

    static final String TIMEOUT_MESSAGE = "query timed out in expression evaluation";

    private final PromqlEngine engine;

    private final StorageFanout fanout;

    private final AdmissionGate gate;

    private final SelectProperties props;

    /** One PromQL evaluation against a source of raw series, stoppable through the cancellation. */
    @FunctionalInterface
    public interface Evaluation {

        QueryResult evaluate(PromqlEngine engine, SeriesSource source, Cancellation cancellation);
    }

    public QueryExecutor(StorageFanout fanout, AdmissionGate selectGate, SelectProperties props) {
        // Pieces of a query (selectors' searches, blocks of series) also run on the bounded elastic scheduler that
        // runs the queries themselves: at most maxConcurrentSelects queries are admitted, and a query takes back
        // any piece no thread has started, so a busy node degrades to one thread per query.
        EngineSettings settings = new EngineSettings(props.getLookbackDelta(), props.getMaxSamplesPerQuery(),
                props.getMaxSeries(), props.getMaxSubqueryPoints());
        this.engine = new PromqlEngine(settings, task -> Schedulers.boundedElastic().schedule(task));
        this.fanout = fanout;
        this.gate = selectGate;
        this.props = props;
    }

    /** The result with the partial flag and warnings gathered from every storage read the query made. */
    public Mono<PartialResult<QueryResult>> run(TenantId tenant, String query, ReadOptions options,
            Evaluation evaluation) {
        if (query.length() > props.getMaxQueryLen()) {
            return Mono.error(new BadRequestException("the length of the query (" + query.length()
                    + ") exceeds basalt.select.max-query-len=" + props.getMaxQueryLen()));
        }
        return admitted(options, () -> {
            AtomicBoolean abandoned = new AtomicBoolean();
            Cancellation cancellation = () -> {
                if (options.expired()) {
                    throw new PromqlException(PromqlException.ErrorType.TIMEOUT, TIMEOUT_MESSAGE);
                }
                if (abandoned.get()) {
                    throw new PromqlException(PromqlException.ErrorType.CANCELED, "query was canceled");
                }
            };
            return Mono.fromCallable(() -> {
                Reads reads = new Reads(tenant, options, cancellation);
                QueryResult result;
                try {
                    result = evaluation.evaluate(engine, reads, cancellation);
                }
                catch (QueryLimitException e) {
                    throw e.namedAs(propertyOf(e.limit()));
                }
                synchronized (reads) {
                    return new PartialResult<>(result, reads.partial, List.copyOf(reads.warnings));
                }
            })
                .subscribeOn(Schedulers.boundedElastic())
                .doOnCancel(() -> abandoned.set(true));
        });
    }

    /**
     * Runs {@code work} once admitted, failing with Prometheus' timeout error at the deadline; cancelling it there
     * cancels the storage requests it has outstanding.
     */
    public <T> Mono<T> admitted(ReadOptions options, Supplier<Mono<T>> work) {
        return Mono.defer(() -> gate.run(work)
            .timeout(positive(options.remaining())))
            .onErrorMap(e -> e instanceof TimeoutException || e instanceof QueryTimeoutException,
                    e -> new PromqlException(PromqlException.ErrorType.TIMEOUT, TIMEOUT_MESSAGE + " (limit "
                            + describeLimit() + ")"));
    }

    public PromqlEngine engine() {
        return engine;
    }

    /** The property that sets {@code limit}, so that a refused query's message tells the operator what to change. */
    static String propertyOf(QueryLimitException.Limit limit) {
        return switch (limit) {
            case SAMPLES -> "basalt.select.max-samples-per-query";
            case SUBQUERY_POINTS -> "basalt.select.max-subquery-points";
        };
    }

    /** What one request may hold of the series its searches bring back. */
    public SampleBudget sampleBudget() {
        return new SampleBudget(props.getMaxSamplesPerQuery(), propertyOf(QueryLimitException.Limit.SAMPLES));
    }

    private String describeLimit() {
        return "basalt.select.max-query-duration=" + props.getMaxQueryDuration() + " or the timeout parameter";
    }

    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofNanos(1) : d;
    }

    /** Storage reads of one query; the engine may search for several selectors at once. */
    private final class Reads implements SeriesSource {

        private final TenantId tenant;

        private final ReadOptions options;

        private final Cancellation cancellation;

        /** Shared by the query's searches: the engine holds every selector's samples at once. */
        private final SampleBudget samples = sampleBudget();

        boolean partial;

        final List<String> warnings = new ArrayList<>();

        Reads(TenantId tenant, ReadOptions options, Cancellation cancellation) {
            this.tenant = tenant;
            this.options = options;
            this.cancellation = cancellation;
        }

        @Override
        public List<TimeSeries> select(List<LabelMatcher> matchers, long minTime, long maxTime) {
            cancellation.check();
            // One more than the limit is enough for the engine to report "too many series", and bounds what each
            // node sends.
            int limit = props.getMaxSeries() == Integer.MAX_VALUE ? 0 : props.getMaxSeries() + 1;
            PartialResult<List<TimeSeries>> r;
            try {
                r = fanout.search(new SearchQuery(tenant, minTime, maxTime, matchers, limit), options, samples)
                    .block(positive(options.remaining()).plusSeconds(1));
            }
            catch (QueryTimeoutException e) {
                throw new PromqlException(PromqlException.ErrorType.TIMEOUT, TIMEOUT_MESSAGE);
            }
            catch (IllegalStateException e) {
                if (options.expired()) {
                    throw new PromqlException(PromqlException.ErrorType.TIMEOUT, TIMEOUT_MESSAGE);
                }
                throw e;
            }
            cancellation.check();
            synchronized (this) {
                partial |= r.partial();
                for (String w : r.warnings()) {
                    if (!warnings.contains(w)) {
                        warnings.add(w);
                    }
                }
            }
            return r.value();
        }
    }
}
