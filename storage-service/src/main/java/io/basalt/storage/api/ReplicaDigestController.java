package io.basalt.storage.api;

import io.basalt.model.SeriesHash;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.BodyBudget;
import io.basalt.node.web.BoundedBody;
import io.basalt.tsdb.Storage;
import io.basalt.wire.cluster.MalformedBodyException;
import io.basalt.wire.cluster.ReplicaDigests;
import io.basalt.wire.cluster.ScopedSearchQuery;
import io.basalt.wire.cluster.SearchQuery;
import java.util.function.LongPredicate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /internal/digest}: what this node holds of a series-hash range, per sub-range ({@link ReplicaDigests}),
 * for a repairer in a stateless tier that compares replicas without the storage nodes knowing each other. The body
 * is a search query: its tenant, time range and matchers select the samples digested; it is read against the node's
 * body budget like every internal call's. A body that names an owner set ({@link ScopedSearchQuery}) digests only the
 * series that set owns under the request's placement list, so a repairer can compare nodes that each own a part.
 */
@RestController
public class ReplicaDigestController {

    private static final long MAX_QUERY_BODY = 1024 * 1024;

    private final Storage storage;

    private final AdmissionGate selectGate;

    private final BodyBudget bodies;

    public ReplicaDigestController(Storage storage, @Qualifier("selectGate") AdmissionGate selectGate,
            BodyBudget bodies) {
        this.storage = storage;
        this.selectGate = selectGate;
        this.bodies = bodies;
    }

    @PostMapping(path = "/internal/digest", produces = ReplicaDigests.CONTENT_TYPE)
    public Mono<byte[]> digest(ServerHttpRequest request, @RequestParam(defaultValue = "0") String prefix,
            @RequestParam(defaultValue = "0") int prefixBits, @RequestParam(defaultValue = "8") int bucketBits) {
        ReplicaDigests digests;
        try {
            digests = new ReplicaDigests(Long.parseUnsignedLong(prefix), prefixBits, bucketBits);
        }
        catch (IllegalArgumentException e) {
            return Mono.error(new MalformedBodyException("digest range: " + e.getMessage()));
        }
        QueryDeadline deadline = QueryDeadline.of(request);
        return BoundedBody.read(request, MAX_QUERY_BODY, bodies, body -> Mono.fromCallable(
                () -> ScopedSearchQuery.decode(body)))
            .flatMap(scoped -> selectGate.run(() -> UninterruptedCall.call(() -> {
                deadline.check();
                SearchQuery q = scoped.query();
                LongPredicate owned = scoped.seriesHashes();
                // Series outside the range or the owner set are skipped before their samples are read.
                storage.search(q.tenant(), q.matchers(), q.minTime(), q.maxTime(), labels -> {
                    long hash = SeriesHash.of(q.tenant(), labels);
                    return digests.range().contains(hash) && owned.test(hash);
                }, ts -> digests.add(SeriesHash.of(q.tenant(), ts.labels()), ts));
                return digests.encode();
            })));
    }
}
