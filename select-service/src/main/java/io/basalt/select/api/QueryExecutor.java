package io.basalt.select.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.promql.engine.EngineSettings;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.PromqlException;
import io.basalt.promql.engine.QueryResult;
import io.basalt.promql.engine.SeriesSource;
import io.basalt.select.config.SelectProperties;
import io.basalt.select.fanout.PartialResult;
import io.basalt.select.fanout.StorageFanout;
import io.basalt.wire.cluster.SearchQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one PromQL query: admission, evaluation on a worker thread with storage reads through the fan-out, and the
 * query deadline, which cancels the evaluation and its outstanding storage requests.
 */
@Component
public class QueryExecutor {

    private final PromqlEngine engine;

    private final StorageFanout fanout;

    private final AdmissionGate gate;

    private final SelectProperties props;

    public QueryExecutor(StorageFanout fanout, AdmissionGate selectGate, SelectProperties props) {
        this.engine = new PromqlEngine(new EngineSettings(props.getLookbackDelta(), props.getMaxSamplesPerQuery(),
                props.getMaxSeries()));
        this.fanout = fanout;
        this.gate = selectGate;
        this.props = props;
    }

    /** The result with the partial flag and warnings gathered from every storage read the query made. */
    public Mono<PartialResult<QueryResult>> run(TenantId tenant, String query,
            Function<SeriesSource, QueryResult> evaluation) {
        if (query.length() > props.getMaxQueryLen()) {
            return Mono.error(new BadRequestException("the length of the query (" + query.length()
                    + ") exceeds basalt.select.max-query-len=" + props.getMaxQueryLen()));
        }
        return gate.run(() -> Mono.fromCallable(() -> {
            Reads reads = new Reads(tenant);
            QueryResult result = evaluation.apply(reads);
            return new PartialResult<>(result, reads.partial, reads.warnings);
        }).subscribeOn(Schedulers.boundedElastic()))
            .timeout(props.getMaxQueryDuration())
            .onErrorMap(TimeoutException.class, e -> new PromqlException(PromqlException.ErrorType.TIMEOUT,
                    "query timed out in expression evaluation: exceeded basalt.select.max-query-duration="
                            + props.getMaxQueryDuration()));
    }

    public PromqlEngine engine() {
        return engine;
    }

    /** Storage reads of one query; evaluation is single-threaded, so plain fields suffice. */
    private final class Reads implements SeriesSource {

        private final TenantId tenant;

        boolean partial;

        final List<String> warnings = new ArrayList<>();

        Reads(TenantId tenant) {
            this.tenant = tenant;
        }

        @Override
        public List<TimeSeries> select(List<LabelMatcher> matchers, long minTime, long maxTime) {
            PartialResult<List<TimeSeries>> r = fanout.search(new SearchQuery(tenant, minTime, maxTime, matchers, 0))
                .block();
            partial |= r.partial();
            for (String w : r.warnings()) {
                if (!warnings.contains(w)) {
                    warnings.add(w);
                }
            }
            return r.value();
        }
    }
}
