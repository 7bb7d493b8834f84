package io.basalt.storage.api;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.BodyBudget;
import io.basalt.node.web.BoundedBody;
import io.basalt.storage.config.StorageProperties;
import io.basalt.storage.metrics.RequestMetrics;
import io.basalt.storage.search.RowsStream;
import io.basalt.tsdb.DurableStorage;
import io.basalt.tsdb.Storage;
import io.basalt.wire.cluster.MalformedBodyException;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.ScopedSearchQuery;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The cluster-internal API that insert and select nodes call. Bodies are Basalt's binary formats
 * ({@link RowsCodec}, {@link SearchQuery}, {@link StringListCodec}); see docs/architecture.md. Every body is received
 * against the node's {@link BodyBudget} (503 once it is spent) and takes an insert or select slot only once complete,
 * so a caller that sends slowly holds no slot.
 */
@RestController
public class InternalApiController {

    private static final long MAX_QUERY_BODY = 1024 * 1024;

    /** Appends and reads go through this; tests put a wrapper here to pause an append at a chosen moment. */
    private final Storage storage;

    /** The same engine, for what only a durable one does: delete, flush and merge. */
    private final DurableStorage engine;

    private final AdmissionGate insertGate;

    private final AdmissionGate selectGate;

    private final StorageProperties props;

    private final BodyBudget bodies;

    private final Counter rowsInserted;

    private final Counter samplesInserted;

    private final Counter scansStopped;

    private final RequestMetrics requestMetrics;

    public InternalApiController(Storage storage, DurableStorage engine,
            @Qualifier("insertGate") AdmissionGate insertGate,
            @Qualifier("selectGate") AdmissionGate selectGate, StorageProperties props, BodyBudget bodies,
            MeterRegistry registry, RequestMetrics requestMetrics) {
        this.bodies = bodies;
        this.storage = storage;
        this.requestMetrics = requestMetrics;
        this.engine = engine;
        this.insertGate = insertGate;
        this.selectGate = selectGate;
        this.props = props;
        this.rowsInserted = Counter.builder("basalt_storage_rows_inserted")
            .description("Series blocks accepted over the internal insert API")
            .register(registry);
        this.samplesInserted = Counter.builder("basalt_storage_samples_inserted")
            .description("Samples stored and acknowledged")
            .register(registry);
        this.scansStopped = Counter.builder("basalt_storage_search_deadline_exceeded")
            .description("Searches stopped because the select node's deadline passed")
            .register(registry);
    }

    /**
     * Stores a rows block; 204 only once every sample is stored.
     *
     * <p>When the caller hangs up (its storage timeout, or it was killed), an append that has started still
     * completes and its samples are stored, just never acknowledged; one still waiting for its turn is not run. The
     * caller retries either way, which stores nothing twice: the engine keeps one value per series and timestamp (the
     * head replaces it, reads merge parts with the newer one winning).
     */
    @PostMapping("/internal/insert")
    public Mono<ResponseEntity<Void>> insert(ServerHttpRequest request) {
        // The decoded batch reads its label bytes in place, so the body stays reserved until the append is done.
        return BoundedBody.read(request, props.getMaxInsertBlockSize(), bodies, body -> Mono.fromCallable(
                () -> RowsCodec.decodeBatch(body))
            .flatMap(rows -> insertGate.run(() -> UninterruptedCall.run(() -> storage.append(rows.tenant(),
                    rows.batch()))
                .then(Mono.fromRunnable(() -> {
                    rowsInserted.increment(rows.batch().size());
                    samplesInserted.increment(rows.batch().sampleCount());
                })))
                .doOnError(e -> requestMetrics.rowsRejected(e, rows.batch().sampleCount()))))
            .thenReturn(ResponseEntity.noContent().build());
    }

    /**
     * Series with their samples in the query's range, as one rows block streamed in chunks while the engine scans
     * ({@link RowsStream}); the select slot is held until the last chunk is sent. {@code prefix} and
     * {@code prefixBits} narrow it to a series-hash range ({@link HashRange}), and a body naming an owner set
     * ({@link ScopedSearchQuery}) to the series that set owns, so a repairer reads back just the series of a range
     * whose digests differ.
     */
    @PostMapping(path = "/internal/search", produces = RowsCodec.CONTENT_TYPE)
    public Flux<DataBuffer> search(ServerHttpRequest request, ServerHttpResponse response,
            @RequestParam(defaultValue = "0") String prefix, @RequestParam(defaultValue = "0") int prefixBits) {
        QueryDeadline deadline = QueryDeadline.of(request);
        HashRange range;
        try {
            range = new HashRange(Long.parseUnsignedLong(prefix), prefixBits);
        }
        catch (IllegalArgumentException e) {
            return Flux.error(new MalformedBodyException("search range: " + e.getMessage()));
        }
        return BoundedBody.read(request, MAX_QUERY_BODY, bodies, body -> Mono.fromCallable(
                () -> ScopedSearchQuery.decode(body)))
            .flatMapMany(scoped -> selectGate.runMany(() -> {
                SearchQuery q = scoped.query();
                LongPredicate owned = scoped.seriesHashes();
                return RowsStream.search(storage, q, labels -> {
                    long hash = SeriesHash.of(q.tenant(), labels);
                    return range.contains(hash) && owned.test(hash);
                }, deadline::check, response.bufferFactory(), Schedulers.boundedElastic());
            }))
            .doOnError(QueryDeadline.Exceeded.class, e -> scansStopped.increment());
    }

    /** Label sets of matching series, as a rows block without samples. */
    @PostMapping(path = "/internal/series", produces = RowsCodec.CONTENT_TYPE)
    public Mono<byte[]> series(ServerHttpRequest request) {
        return query(request, q -> {
            var labels = storage.series(q.tenant(), q.matchers(), q.minTime(), q.maxTime());
            List<TimeSeries> out = new ArrayList<>(labels.size());
            for (var l : labels) {
                if (q.limit() > 0 && out.size() >= q.limit()) {
                    break;
                }
                out.add(new TimeSeries(l, new long[0], new double[0]));
            }
            return RowsCodec.encode(q.tenant(), out);
        });
    }

    /**
     * Tenants with series in partitions touching the query's time range (its tenant and matchers are ignored), as
     * {@code accountID:projectID} strings: a repairer asks every node, so a tenant only one replica still holds is
     * compared too.
     */
    @PostMapping(path = "/internal/tenants", produces = StringListCodec.CONTENT_TYPE)
    public Mono<byte[]> tenants(ServerHttpRequest request) {
        return query(request, q -> StringListCodec.encode(engine.tenants(q.minTime(), q.maxTime()).stream()
            .map(TenantId::toString)
            .toList()));
    }

    @PostMapping(path = "/internal/labels", produces = StringListCodec.CONTENT_TYPE)
    public Mono<byte[]> labelNames(ServerHttpRequest request) {
        return query(request, q -> StringListCodec.encode(
                limit(storage.labelNames(q.tenant(), q.matchers(), q.minTime(), q.maxTime()), q.limit())));
    }

    @PostMapping(path = "/internal/label/{name}/values", produces = StringListCodec.CONTENT_TYPE)
    public Mono<byte[]> labelValues(@PathVariable String name, ServerHttpRequest request) {
        return query(request, q -> StringListCodec.encode(
                limit(storage.labelValues(q.tenant(), name, q.matchers(), q.minTime(), q.maxTime()), q.limit())));
    }

    /**
     * Cardinality of this node for select's {@code /api/v1/status/tsdb}: the query's limit is the top-N size (10
     * when 0); the answer is JSON (see {@link TsdbStatus}).
     */
    @PostMapping(path = "/internal/status/tsdb", produces = "application/json")
    public Mono<byte[]> tsdbStatus(ServerHttpRequest request) {
        QueryDeadline deadline = QueryDeadline.of(request);
        return query(request, q -> TsdbStatus.compute(storage, q.tenant(), q.matchers(), q.minTime(), q.maxTime(),
                q.limit() > 0 ? q.limit() : 10, deadline));
    }

    /**
     * Deletes the series of the query's tenant that match all its matchers (at least one), whatever their samples'
     * times: the query's time range and limit are ignored, as VictoriaMetrics' delete_series ignores them. Answers
     * {@code {"deletedSeries":N}}. It is a write: it takes an insert slot and is refused (503) while read-only.
     */
    @PostMapping(path = "/internal/delete_series", produces = "application/json")
    public Mono<String> deleteSeries(ServerHttpRequest request) {
        return searchQuery(request)
            .flatMap(q -> {
                if (q.matchers().isEmpty()) {
                    return Mono.error(new MalformedBodyException("delete_series needs at least one matcher"));
                }
                // A caller that gives up must not leave half-rewritten parts behind.
                return insertGate.run(() -> UninterruptedCall.call(
                        () -> engine.deleteSeries(q.tenant(), q.matchers())));
            })
            .map(deleted -> "{\"deletedSeries\":" + deleted + "}");
    }

    /**
     * Writes the in-memory head into parts, so just-written data is durable in parts (tests, benchmarks). POST only,
     * as every endpoint that changes the node (see {@link SnapshotController}).
     */
    @PostMapping("/internal/force_flush")
    public Mono<ResponseEntity<Void>> forceFlush() {
        return UninterruptedCall.run(engine::flush)
            .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    /** Merges parts now instead of waiting for the background merger (benchmarks measure bytes per sample after it). */
    @PostMapping("/internal/force_merge")
    public Mono<ResponseEntity<Void>> forceMerge() {
        return UninterruptedCall.run(() -> {
            engine.flush();
            engine.forceMerge();
        }).thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    private Mono<byte[]> query(ServerHttpRequest request, java.util.function.Function<SearchQuery, byte[]> answer) {
        QueryDeadline deadline = QueryDeadline.of(request);
        return searchQuery(request)
            .flatMap(q -> selectGate.run(() -> UninterruptedCall.call(() -> {
                // A query that waited in the queue past its caller's deadline is not started at all.
                deadline.check();
                return answer.apply(q);
            })));
    }

    /** The decoded query; its body is held against the budget only until decoded (a query is much smaller). */
    private Mono<SearchQuery> searchQuery(ServerHttpRequest request) {
        return BoundedBody.read(request, MAX_QUERY_BODY, bodies, body -> Mono.fromCallable(
                () -> SearchQuery.decode(body)));
    }

    private static List<String> limit(List<String> values, int limit) {
        return limit > 0 && values.size() > limit ? values.subList(0, limit) : values;
    }
}
