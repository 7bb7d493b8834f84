package io.basalt.insert.forward;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.shard.SeriesHash;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Places every series on {@code replicationFactor} distinct storage nodes and completes only when each copy is
 * stored. A node that fails is left out for a back-off period and its share goes to each series' next-ranked healthy
 * node that holds no copy yet; when too few nodes remain the write fails with {@link NotEnoughStorageNodesException}
 * (503), never a success for rows not stored.
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

    private final Timer[] latency;

    private final Counter[] errors;

    public ShardedWriter(StorageNodes nodes, InsertProperties props, MeterRegistry registry) {
        this.nodes = nodes;
        this.props = props;
        this.registry = registry;
        this.reroutedRows = Counter.builder("basalt_insert_rerouted_rows")
            .description("Series blocks sent to another storage node because their node failed")
            .register(registry);
        int n = nodes.all().size();
        this.latency = new Timer[n];
        this.errors = new Counter[n];
        for (int i = 0; i < n; i++) {
            String url = nodes.get(i).url();
            latency[i] = Timer.builder("basalt_insert_storage_request_duration")
                .description("Latency of insert requests to each storage node")
                .tag("node", url)
                .publishPercentileHistogram()
                .register(registry);
            errors[i] = Counter.builder("basalt_insert_storage_errors")
                .description("Failed insert requests per storage node (connection errors, timeouts, 5xx, 429, 4xx)")
                .tag("node", url)
                .register(registry);
        }
    }

    public Mono<Void> write(TenantId tenant, List<TimeSeries> series) {
        if (series.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            int rf = props.getReplicationFactor();
            long now = System.currentTimeMillis();
            int[][] placement = new int[series.size()][];
            Map<Integer, List<Integer>> byNode = new HashMap<>();
            if (rf == nodes.all().size()) {
                // Every series has a copy on every node (the shipped topology: two nodes, two copies), so there is
                // nothing to rank: no hash per series, and one list of series shared by every node.
                int healthy = 0;
                for (int n = 0; n < rf; n++) {
                    healthy += nodes.get(n).isHealthy(now) ? 1 : 0;
                }
                if (healthy < rf) {
                    return Mono.error(notEnough(rf, healthy));
                }
                int[] everyNode = new int[rf];
                List<Integer> all = new ArrayList<>(series.size());
                for (int i = 0; i < series.size(); i++) {
                    placement[i] = everyNode;
                    all.add(i);
                }
                for (int n = 0; n < rf; n++) {
                    everyNode[n] = n;
                    byNode.put(n, all);
                }
                return sendAll(tenant, series, placement, byNode, new ConcurrentHashMap<>(), 0);
            }
            for (int i = 0; i < series.size(); i++) {
                int[] picked = new int[rf];
                int found = nodes.router().pick(SeriesHash.of(tenant, series.get(i).labels()),
                        n -> nodes.get(n).isHealthy(now), picked);
                if (found < rf) {
                    return Mono.error(notEnough(rf, found));
                }
                placement[i] = picked;
                for (int n : picked) {
                    byNode.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
                }
            }
            return sendAll(tenant, series, placement, byNode, new ConcurrentHashMap<>(), 0);
        });
    }

    /**
     * @param bodies rows blocks already encoded for this request, by the series they hold: nodes that hold the same
     *        series (with replicationFactor equal to the node count, every node) share one encoding
     */
    private Mono<Void> sendAll(TenantId tenant, List<TimeSeries> series, int[][] placement,
            Map<Integer, List<Integer>> byNode, Map<List<Integer>, byte[]> bodies, int attempt) {
        return Flux.fromIterable(byNode.entrySet())
            .flatMap(e -> Flux.fromIterable(chunks(e.getValue()))
                .flatMap(chunk -> send(e.getKey(), bodies.computeIfAbsent(chunk, c -> encode(tenant, series, c)))
                    .onErrorResume(this::isRetryable,
                            err -> reroute(tenant, series, placement, e.getKey(), chunk, err, bodies, attempt)),
                        BLOCKS_IN_FLIGHT_PER_NODE))
            .then();
    }

    private static byte[] encode(TenantId tenant, List<TimeSeries> series, List<Integer> chunk) {
        List<TimeSeries> rows = new ArrayList<>(chunk.size());
        for (int i : chunk) {
            rows.add(series.get(i));
        }
        return RowsCodec.encode(tenant, rows);
    }

    private Mono<Void> reroute(TenantId tenant, List<TimeSeries> series, int[][] placement, int failedNode,
            List<Integer> chunk, Throwable error, Map<List<Integer>, byte[]> bodies, int attempt) {
        long now = System.currentTimeMillis();
        StorageNode failed = nodes.get(failedNode);
        failed.markFailed(describe(error), now, props.getStorageBackoff().toMillis());
        log.warn("storage node {} failed ({}); rerouting {} series for {}", failed.url(), describe(error),
                chunk.size(), props.getStorageBackoff());
        if (attempt >= nodes.all().size()) {
            return Mono.error(notEnough(props.getReplicationFactor(), 0));
        }
        Map<Integer, List<Integer>> rerouted = new HashMap<>();
        int[] next = new int[1];
        for (int i : chunk) {
            int[] copies = placement[i];
            synchronized (copies) {
                int found = nodes.router().pick(SeriesHash.of(tenant, series.get(i).labels()),
                        n -> nodes.get(n).isHealthy(now) && !contains(copies, n), next);
                if (found == 0) {
                    return Mono.error(notEnough(props.getReplicationFactor(), copies.length - 1));
                }
                replace(copies, failedNode, next[0]);
            }
            rerouted.computeIfAbsent(next[0], k -> new ArrayList<>()).add(i);
        }
        reroutedRows.increment(chunk.size());
        return sendAll(tenant, series, placement, rerouted, bodies, attempt + 1);
    }

    private Mono<Void> send(int nodeIndex, byte[] body) {
        StorageNode node = nodes.get(nodeIndex);
        Timer.Sample timing = Timer.start(registry);
        return node.client()
            .post()
            .uri("/internal/insert")
            .contentType(org.springframework.http.MediaType.parseMediaType(RowsCodec.CONTENT_TYPE))
            .bodyValue(body)
            .retrieve()
            .toBodilessEntity()
            .timeout(props.getStorageTimeout())
            .doOnSuccess(r -> node.markHealthy())
            .doFinally(s -> timing.stop(latency[nodeIndex]))
            .doOnError(e -> errors[nodeIndex].increment())
            .onErrorMap(e -> e instanceof WebClientResponseException w && !isRetryableStatus(w.getStatusCode()),
                    e -> new RejectedByStorageException("storage node " + node.url() + " rejected rows: "
                            + ((WebClientResponseException) e).getResponseBodyAsString().trim()))
            .then();
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
