package io.basalt.insert.forward;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.handoff.HintedHandoff;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Places every series on {@code replicationFactor} distinct storage nodes and completes once
 * {@code min-write-copies} copies of every series are stored and every other copy is either stored or durably owed
 * to its node ({@link HintedHandoff}). A node that fails is left out for a back-off period and its share goes to
 * each series' next-ranked healthy node that holds no copy yet, or, when there is none, is owed to it; when too few
 * copies can be stored the write fails with {@link NotEnoughStorageNodesException} (503), never a success for rows
 * not stored. Copies are owed only once the write is known to be acknowledged: a refused write is sent again by its
 * client, and hints for it would only fill the hint log that acknowledged writes need while nodes are down.
 */
@Component
public class ShardedWriter {

    private static final Logger log = LoggerFactory.getLogger(ShardedWriter.class);

    private final StorageNodes nodes;

    private final InsertProperties props;

    private final MeterRegistry registry;

    /** Blocks of one request in flight to one node: enough to pipeline, few enough to bound memory. */
    private static final int BLOCKS_IN_FLIGHT_PER_NODE = 2;

    private final Counter reroutedRows;

    private final Counter hintedRows;

    private final HintedHandoff handoff;

    public ShardedWriter(StorageNodes nodes, InsertProperties props, MeterRegistry registry, HintedHandoff handoff) {
        this.nodes = nodes;
        this.handoff = handoff;
        this.hintedRows = Counter.builder("basalt_insert_hinted_rows")
            .description("Series copies recorded as owed to a storage node that could not take them")
            .register(registry);
        this.props = props;
        this.registry = registry;
        this.reroutedRows = Counter.builder("basalt_insert_rerouted_rows")
            .description("Series blocks sent to another storage node because their node failed")
            .register(registry);
    }

    public Mono<Void> write(TenantId tenant, List<TimeSeries> series) {
        if (series.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            int rf = props.getReplicationFactor();
            int min = props.effectiveMinWriteCopies();
            long now = System.currentTimeMillis();
            // The node list may change while this write is under way; it finishes on the placement it started with.
            Placement layout = nodes.current();
            Write w = new Write(tenant, series, layout);
            Map<Integer, List<Integer>> byNode = new HashMap<>();
            if (rf == layout.placedCount()) {
                // Every series has a copy on every node (the shipped topology: two nodes, two copies), so there is
                // nothing to rank: no hash per series, and one list of series shared by every node.
                int healthy = 0;
                for (int k = 0; k < rf; k++) {
                    healthy += nodes.get(layout.placedNode(k)).isHealthy(now) ? 1 : 0;
                }
                if (healthy < min) {
                    return Mono.error(notEnough(min, healthy));
                }
                int[] everyNode = new int[rf];
                List<Integer> all = new ArrayList<>(series.size());
                for (int i = 0; i < series.size(); i++) {
                    w.placement[i] = everyNode;
                    all.add(i);
                }
                for (int k = 0; k < rf; k++) {
                    int n = layout.placedNode(k);
                    everyNode[k] = n;
                    if (nodes.get(n).isHealthy(now)) {
                        byNode.put(n, all);
                    }
                    else {
                        w.oweAll(n, all);
                    }
                }
            }
            else {
                for (int i = 0; i < series.size(); i++) {
                    int[] picked = new int[rf];
                    long hash = SeriesHash.of(tenant, series.get(i).labels());
                    int found = layout.pick(hash, n -> nodes.get(n).isHealthy(now), picked);
                    if (found < min) {
                        return Mono.error(notEnough(min, found));
                    }
                    for (int c = 0; c < found; c++) {
                        byNode.computeIfAbsent(picked[c], k -> new ArrayList<>()).add(i);
                    }
                    if (found < rf) {
                        // Too few healthy nodes for every copy: the missing ones are owed to the best-ranked nodes
                        // that are down, where the series will be looked for once they are back.
                        int[] down = new int[rf - found];
                        layout.pick(hash, n -> !nodes.get(n).isHealthy(now), down);
                        for (int c = 0; c < down.length; c++) {
                            picked[found + c] = down[c];
                            w.owe(down[c], i);
                        }
                    }
                    w.placement[i] = picked;
                }
            }
            return sendAll(w, byNode, 0)
                .then(Mono.defer(() -> w.acknowledge(min)))
                .then(Mono.defer(() -> oweAll(w)));
        });
    }

    /** The state of one request's write: where each series' copies go, their encodings and the copies stored. */
    private final class Write {

        final TenantId tenant;

        final List<TimeSeries> series;

        final Placement layout;

        final int[][] placement;

        /**
         * Rows blocks already encoded, by the series they hold: nodes that hold the same series (with
         * replicationFactor equal to the node count, every node) share one encoding.
         */
        final Map<List<Integer>, byte[]> bodies = new ConcurrentHashMap<>();

        final AtomicIntegerArray stored;

        /** Series whose copy a node could not take, by node: recorded as owed once the write is acknowledged. */
        private final Map<Integer, List<Integer>> owed = new HashMap<>();

        Write(TenantId tenant, List<TimeSeries> series, Placement layout) {
            this.tenant = tenant;
            this.series = series;
            this.layout = layout;
            this.placement = new int[series.size()][];
            this.stored = new AtomicIntegerArray(series.size());
        }

        byte[] body(List<Integer> chunk) {
            return bodies.computeIfAbsent(chunk, c -> {
                List<TimeSeries> rows = new ArrayList<>(c.size());
                for (int i : c) {
                    rows.add(series.get(i));
                }
                return RowsCodec.encode(tenant, rows);
            });
        }

        synchronized void owe(int node, int series) {
            owed.computeIfAbsent(node, k -> new ArrayList<>()).add(series);
        }

        synchronized void oweAll(int node, List<Integer> series) {
            owed.computeIfAbsent(node, k -> new ArrayList<>()).addAll(series);
        }

        synchronized Map<Integer, List<Integer>> owed() {
            return Map.copyOf(owed);
        }

        /** Succeeds when every series has at least {@code min} stored copies (the others are owed). */
        Mono<Void> acknowledge(int min) {
            for (int i = 0; i < stored.length(); i++) {
                if (stored.get(i) < min) {
                    return Mono.error(notEnough(min, stored.get(i)));
                }
            }
            return Mono.empty();
        }
    }

    private Mono<Void> sendAll(Write w, Map<Integer, List<Integer>> byNode, int attempt) {
        return Flux.fromIterable(byNode.entrySet())
            .flatMap(e -> Flux.fromIterable(chunks(e.getValue()))
                .flatMap(chunk -> send(e.getKey(), w.body(chunk))
                    .doOnSuccess(v -> chunk.forEach(w.stored::incrementAndGet))
                    .onErrorResume(this::isRetryable, err -> reroute(w, e.getKey(), chunk, err, attempt)),
                        BLOCKS_IN_FLIGHT_PER_NODE))
            .then();
    }

    private Mono<Void> oweAll(Write w) {
        return Flux.fromIterable(w.owed().entrySet())
            .flatMap(e -> Flux.fromIterable(chunks(e.getValue())).concatMap(chunk -> handoff.owe(e.getKey(),
                    w.body(chunk)).doOnSuccess(v -> hintedRows.increment(chunk.size()))))
            .then();
    }

    private Mono<Void> reroute(Write w, int failedNode, List<Integer> chunk, Throwable error, int attempt) {
        long now = System.currentTimeMillis();
        StorageNode failed = nodes.get(failedNode);
        failed.markFailed(describe(error), now, props.getStorageBackoff().toMillis());
        log.warn("storage node {} failed ({}); rerouting {} series for {}", failed.url(), describe(error),
                chunk.size(), props.getStorageBackoff());
        if (attempt >= w.layout.placedCount()) {
            return Mono.error(notEnough(props.getReplicationFactor(), 0));
        }
        Map<Integer, List<Integer>> rerouted = new HashMap<>();
        int owed = 0;
        int[] next = new int[1];
        for (int i : chunk) {
            int[] copies = w.placement[i];
            synchronized (copies) {
                int found = w.layout.pick(SeriesHash.of(w.tenant, w.series.get(i).labels()),
                        n -> nodes.get(n).isHealthy(now) && !contains(copies, n), next);
                if (found == 0) {
                    if (!handoff.enabled()) {
                        return Mono.error(notEnough(props.getReplicationFactor(), copies.length - 1));
                    }
                    w.owe(failedNode, i);
                    owed++;
                    continue;
                }
                replace(copies, failedNode, next[0]);
            }
            rerouted.computeIfAbsent(next[0], k -> new ArrayList<>()).add(i);
        }
        reroutedRows.increment(chunk.size() - owed);
        return sendAll(w, rerouted, attempt + 1);
    }

    private Mono<Void> send(int nodeIndex, byte[] body) {
        StorageNode node = nodes.get(nodeIndex);
        Timer.Sample timing = Timer.start(registry);
        return node.insertRows(body, props.getStorageTimeout())
            .doOnSuccess(r -> node.markHealthy())
            .doFinally(s -> timing.stop(node.latency()))
            .doOnError(e -> node.errors().increment())
            .onErrorMap(e -> e instanceof WebClientResponseException w && !isRetryableStatus(w.getStatusCode()),
                    e -> new RejectedByStorageException("storage node " + node.url() + " rejected rows: "
                            + ((WebClientResponseException) e).getResponseBodyAsString().trim()));
    }

    private boolean isRetryable(Throwable e) {
        return !(e instanceof RejectedByStorageException) && !(e instanceof NotEnoughStorageNodesException);
    }

    private static boolean isRetryableStatus(HttpStatusCode status) {
        return status.is5xxServerError() || status.value() == 429;
    }

    private List<List<Integer>> chunks(List<Integer> indices) {
        int max = props.getMaxRowsPerBlock();
        List<List<Integer>> out = new ArrayList<>();
        for (int from = 0; from < indices.size(); from += max) {
            out.add(indices.subList(from, Math.min(indices.size(), from + max)));
        }
        return out;
    }

    private NotEnoughStorageNodesException notEnough(int needed, int healthy) {
        return new NotEnoughStorageNodesException("only " + healthy + " healthy storage node(s) for "
                + needed + " cop" + (needed == 1 ? "y" : "ies") + " of each series; retry later");
    }

    private static String describe(Throwable e) {
        if (e instanceof WebClientResponseException w) {
            return "HTTP " + w.getStatusCode().value() + " " + w.getResponseBodyAsString().trim();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static void replace(int[] a, int from, int to) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == from) {
                a[i] = to;
                return;
            }
        }
    }
}
