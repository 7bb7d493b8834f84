package io.basalt.select.api;

import io.basalt.model.TenantId;
import io.basalt.select.config.SelectProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Counts and times API requests per endpoint, counts partial answers, and logs queries slower than
 * {@code basalt.select.slow-query-threshold} so that an operator can find what loads the cluster.
 */
@Component
public class QueryLog {

    private static final Logger SLOW = LoggerFactory.getLogger("io.basalt.select.slow-queries");

    private final MeterRegistry registry;

    private final Duration slowThreshold;

    private final Counter partialResponses;

    public QueryLog(MeterRegistry registry, SelectProperties props) {
        this.registry = registry;
        this.slowThreshold = props.getSlowQueryThreshold();
        this.partialResponses = Counter.builder("basalt_select_partial_responses")
            .description("Answers given with isPartial=true because storage nodes failed")
            .register(registry);
    }

    /** Counts the request now and records its duration (and a slow-query line) when {@code work} ends. */
    <T> Mono<T> timed(String endpoint, TenantId tenant, String query, Mono<T> work) {
        return Mono.defer(() -> {
            Counter.builder("basalt_select_queries")
                .description("API requests received by endpoint")
                .tag("endpoint", endpoint)
                .register(registry)
                .increment();
            long start = System.nanoTime();
            // Recorded before the outcome moves on (not in doFinally, which runs after the answer may already be on
            // the wire), so whoever got the answer can rely on the duration and slow-query line being there.
            return work.doOnSuccess(v -> record(endpoint, tenant, query, start, SignalType.ON_COMPLETE))
                .doOnError(e -> record(endpoint, tenant, query, start, SignalType.ON_ERROR))
                .doOnCancel(() -> record(endpoint, tenant, query, start, SignalType.CANCEL));
        });
    }

    private void record(String endpoint, TenantId tenant, String query, long start, SignalType signal) {
        long nanos = System.nanoTime() - start;
        Timer.builder("basalt_select_query_duration")
            .description("Time to answer API requests")
            .tag("endpoint", endpoint)
            .publishPercentileHistogram()
            .register(registry)
            .record(nanos, TimeUnit.NANOSECONDS);
        if (nanos >= slowThreshold.toNanos()) {
            SLOW.warn("slow query: {} ms, endpoint={}, tenant={}, outcome={}, query={}",
                    TimeUnit.NANOSECONDS.toMillis(nanos), endpoint, tenant, signal, query);
        }
    }

    void partialResponse() {
        partialResponses.increment();
    }
}
