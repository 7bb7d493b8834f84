package io.basalt.storage.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.BodyBudget;
import io.basalt.node.web.BoundedBody;
import io.basalt.tsdb.DurableStorage;
import io.basalt.wire.cluster.MisplacedSeriesQuery;
import io.basalt.wire.cluster.MovedSeriesDrop;
import io.basalt.wire.cluster.RowsCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What a rebalancer in the insert tier needs to move series between nodes while the storage nodes stay unaware of
 * each other: {@code POST /internal/misplaced} answers the series of a hash range that the request's node list does
 * not place on this node, with their samples; {@code POST /internal/drop_moved} deletes such series once they are
 * copied and verified elsewhere, and only if the node still holds exactly what was copied (else 409, nothing
 * deleted). Deletion reuses the tombstones of {@code /internal/delete_series}.
 */
@RestController
public class MovedSeriesController {

    private static final long MAX_QUERY_BODY = 1024 * 1024;

    private static final long MAX_DROP_BODY = 16 * 1024 * 1024;

    private final DurableStorage engine;

    private final AdmissionGate insertGate;

    private final AdmissionGate selectGate;

    private final BodyBudget bodies;

    private final Counter dropped;

    private final Counter refused;

    public MovedSeriesController(DurableStorage engine, @Qualifier("insertGate") AdmissionGate insertGate,
            @Qualifier("selectGate") AdmissionGate selectGate, BodyBudget bodies, MeterRegistry registry) {
        this.engine = engine;
        this.insertGate = insertGate;
        this.selectGate = selectGate;
        this.bodies = bodies;
        this.dropped = Counter.builder("basalt_storage_moved_series_dropped")
            .description("Series deleted after a rebalancer copied them to their owners")
            .register(registry);
        this.refused = Counter.builder("basalt_storage_moved_series_drop_conflicts")
            .description("Drops refused because the series changed since they were copied (retried by the rebalancer)")
            .register(registry);
    }

    @PostMapping(path = "/internal/misplaced", produces = RowsCodec.CONTENT_TYPE)
    public Mono<byte[]> misplaced(ServerHttpRequest request) {
        QueryDeadline deadline = QueryDeadline.of(request);
        return BoundedBody.read(request, MAX_QUERY_BODY, bodies, body -> Mono.fromCallable(
                () -> MisplacedSeriesQuery.decode(body)))
            .flatMap(q -> selectGate.run(() -> UninterruptedCall.call(() -> {
                deadline.check();
                // One scan of the index, the owner test on label sets before any sample is read: a pass that finds
                // nothing misplaced reads no sample, and one that does reads each misplaced series once.
                MisplacedSeriesQuery.OwnerTest owners = q.ownerTest();
                return RowsCodec.encode(q.tenant(), held(q.tenant(), labels -> {
                    long hash = SeriesHash.of(q.tenant(), labels);
                    return q.range().contains(hash) && !owners.holderOwns(hash);
                }));
            })));
    }

    @PostMapping(path = "/internal/drop_moved", produces = "application/json")
    public Mono<ResponseEntity<String>> dropMoved(ServerHttpRequest request) {
        return BoundedBody.read(request, MAX_DROP_BODY, bodies, body -> Mono.fromCallable(
                () -> MovedSeriesDrop.decode(body)))
            .flatMap(drop -> insertGate.run(() -> UninterruptedCall.call(() -> engine.deleteSeriesIfUnchanged(
                    drop.tenant(), drop.series(), () -> drop.matches(MovedSeriesDrop.sumOf(drop.tenant(),
                            heldExactly(drop.tenant(), drop.series()))))))
                .map(deleted -> {
                    if (deleted < 0) {
                        refused.increment();
                        return ResponseEntity.status(HttpStatus.CONFLICT).body("{\"error\":\"the series changed "
                                + "since they were copied; copy them again before dropping\"}");
                    }
                    dropped.increment(deleted);
                    return ResponseEntity.ok("{\"deletedSeries\":" + deleted + "}");
                }));
    }

    /** What this node holds now of the series {@code wanted} accepts, with all their samples. */
    private List<TimeSeries> held(TenantId tenant, Predicate<Labels> wanted) {
        List<TimeSeries> held = new ArrayList<>();
        engine.search(tenant, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, wanted, held::add);
        return held;
    }

    /**
     * What this node holds now of exactly these series. One lookup per series rather than a scan of the index: a drop
     * runs while the node's appends wait, so its cost must follow the batch, not the number of series on the node.
     */
    private List<TimeSeries> heldExactly(TenantId tenant, List<Labels> series) {
        List<TimeSeries> held = new ArrayList<>();
        for (Labels labels : series) {
            List<LabelMatcher> exact = new ArrayList<>(labels.size());
            labels.forEach((name, value) -> exact.add(LabelMatcher.equal(name, value)));
            engine.search(tenant, exact, Long.MIN_VALUE, Long.MAX_VALUE, ts -> {
                if (ts.labels().equals(labels)) {
                    held.add(ts);
                }
            });
        }
        return held;
    }
}
