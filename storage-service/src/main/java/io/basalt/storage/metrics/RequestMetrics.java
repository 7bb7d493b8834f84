package io.basalt.storage.metrics;

import io.basalt.node.admission.TooBusyException;
import io.basalt.tsdb.DurableStorage;
import io.basalt.tsdb.ReadOnlyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Query rate and latency per internal read API, latency per internal delete API, and refused inserts by reason,
 * measured around the request so the controllers stay about storage. Every labelled series exists from start, so dashboards show 0 rather than nothing.
 */
@Component
public class RequestMetrics implements WebFilter {

    /** Why an insert was refused; the label values of the rejection counters. */
    public enum Reason {
        /** Free disk space fell below {@code min-free-disk-space-bytes}. */
        READ_ONLY,
        /** Every insert slot was busy for longer than the queue wait. */
        TOO_BUSY,
        /** The body was not a rows block. */
        MALFORMED,
        /** The body exceeded {@code max-insert-block-size}. */
        TOO_LARGE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Map<String, String> READ_PATHS = Map.of(
            "/internal/search", "search",
            "/internal/series", "series",
            "/internal/labels", "labels",
            "/internal/status/tsdb", "tsdb_status",
            "/internal/digest", "digest",
            "/internal/tenants", "tenants",
            "/internal/misplaced", "misplaced");

    private static final Map<String, String> DELETE_PATHS = Map.of(
            "/internal/delete_series", "delete_series",
            "/internal/drop_moved", "drop_moved");

    private final DurableStorage engine;

    private static final String SELECT_TIMER = "basalt_storage_select_duration";

    private static final String DELETE_TIMER = "basalt_storage_delete_duration";

    /** Timers by request path, except {@code /internal/label/<name>/values}. */
    private final Map<String, Timer> timers = new java.util.HashMap<>();

    private final Timer labelValuesTimer;

    private final Map<Reason, Counter> rejectedRequests = new EnumMap<>(Reason.class);

    private final Map<Reason, Counter> rejectedRows = new EnumMap<>(Reason.class);

    public RequestMetrics(DurableStorage engine, MeterRegistry registry) {
        this.engine = engine;
        READ_PATHS.forEach((path, api) -> timers.put(path, timer(registry, SELECT_TIMER, api)));
        DELETE_PATHS.forEach((path, api) -> timers.put(path, timer(registry, DELETE_TIMER, api)));
        labelValuesTimer = timer(registry, SELECT_TIMER, "label_values");
        for (Reason r : Reason.values()) {
            rejectedRequests.put(r, Counter.builder("basalt_storage_insert_requests_rejected")
                .description("Internal insert requests refused, by reason")
                .tag("reason", r.label())
                .register(registry));
            rejectedRows.put(r, Counter.builder("basalt_storage_rows_rejected")
                .description("Samples of decoded insert requests that were refused, by reason")
                .tag("reason", r.label())
                .register(registry));
        }
    }

    private static Timer timer(MeterRegistry registry, String name, String api) {
        return Timer.builder(name)
            .description(name.equals(DELETE_TIMER)
                    ? "Time to answer an internal delete request, including the wait for an insert slot"
                    : "Time to answer an internal read request, including the wait for a select slot")
            .tag("api", api)
            .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
                    Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10))
            .register(registry);
    }

    /** Counts the samples of an insert that failed with {@code error}, when the failure is a refusal. */
    public void rowsRejected(Throwable error, long samples) {
        Reason r = error instanceof ReadOnlyException ? Reason.READ_ONLY
                : error instanceof TooBusyException ? Reason.TOO_BUSY : null;
        if (r != null) {
            rejectedRows.get(r).increment(samples);
        }
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (path.equals("/internal/insert")) {
            // Counted as the response commits, not after it completes: a client that has read a refusal must
            // already find it in the metrics.
            exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(
                    () -> countRejection(exchange.getResponse().getStatusCode())));
            return chain.filter(exchange);
        }
        Timer timer = timers.containsKey(path) ? timers.get(path)
                : path.startsWith("/internal/label/") ? labelValuesTimer : null;
        if (timer == null) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(s -> timer.record(Duration.ofNanos(System.nanoTime() - start)));
    }

    private void countRejection(HttpStatusCode status) {
        if (status == null || status.is2xxSuccessful()) {
            return;
        }
        Reason r = switch (status.value()) {
            case 400 -> Reason.MALFORMED;
            case 413 -> Reason.TOO_LARGE;
            case 503 -> engine.isReadOnly() ? Reason.READ_ONLY : Reason.TOO_BUSY;
            default -> null;
        };
        if (r != null) {
            rejectedRequests.get(r).increment();
        }
    }
}
