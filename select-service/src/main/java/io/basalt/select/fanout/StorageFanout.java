package io.basalt.select.fanout;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.QueryLimitException;
import io.basalt.select.config.SelectProperties;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.basalt.node.membership.StorageNodeList;
import io.basalt.node.membership.StorageNodeListSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks every storage node in parallel and merges their answers. Series are spread (and replicated) over all nodes,
 * so no node can be skipped; an answer missing at most {@code replicationFactor - 1} nodes is still complete.
 */
@Component
public class StorageFanout implements DisposableBean {

    public static final String SERVICE_ID = "storage";

    /** Time the select node still waits, in ms; storage stops scanning after it. */
    public static final String TIMEOUT_HEADER = "X-Basalt-Timeout-Ms";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Logger log = LoggerFactory.getLogger(StorageFanout.class);

    /** Replaced whole when the node list changes; each read asks the list it started with. */
    private volatile List<Node> nodes;

    private final WebClient.Builder webClients;

    private final StorageNodeListSource source;

    private final SelectProperties props;

    private final MeterRegistry registry;

    private final NodeBackoff backoff;

    private record Node(String url, WebClient client) {
    }

    private record NodeAnswer<T>(String url, T value, Throwable error) {
    }

    public StorageFanout(DiscoveryClient discovery, WebClient.Builder webClients, SelectProperties props,
            MeterRegistry registry) {
        this.webClients = webClients;
        this.props = props;
        this.registry = registry;
        this.backoff = new NodeBackoff(props.getStorageBackoff(), System::nanoTime);
        Counter reloadErrors = Counter.builder("basalt_select_storage_nodes_reload_errors")
            .description("Checks of the node-list file that found a change it could not apply; the old list stays")
            .register(registry);
        this.source = new StorageNodeListSource(props.getStorageNodesFile(), props.getStorageNodesCheckInterval(),
                () -> discovery.getInstances(SERVICE_ID).stream().map(i -> i.getUri().toString()).toList(),
                "basalt.select.storage-nodes-file", this::apply, reloadErrors);
    }

    /** Reads from now on ask every node of {@code list}, draining ones included (they still hold data). */
    private void apply(StorageNodeList list) {
        List<Node> before = nodes;
        List<Node> next = new ArrayList<>();
        for (String url : list.urls()) {
            Node known = before == null ? null
                    : before.stream().filter(n -> n.url().equals(url)).findFirst().orElse(null);
            next.add(known != null ? known : new Node(url, webClients.clone()
                .baseUrl(url)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(512 * 1024 * 1024))
                .build()));
        }
        this.nodes = List.copyOf(next);
        if (before != null) {
            log.info("storage node list changed: {} (was {})", list.urls(), before.stream().map(Node::url).toList());
        }
    }

    @Override
    public void destroy() throws Exception {
        source.close();
    }

    public List<String> nodeUrls() {
        return nodes.stream().map(Node::url).toList();
    }

    /** Where the node list comes from and the last refused change, for {@code /api/v1/status}. */
    public Map<String, Object> nodeListStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source.describe());
        out.put("nodes", nodeUrls());
        out.put("lastReloadError", source.lastError());
        return out;
    }

    /**
     * Matching series with their samples, merged over nodes. Each node's answer is decoded and merged as it streams
     * in, its samples counted against {@code budget}: a search over the budget fails with the budget's
     * {@link io.basalt.promql.engine.QueryLimitException} and cancels every node's answer, having held at most the
     * budget's samples plus one series per node.
     */
    public Mono<PartialResult<List<TimeSeries>>> search(SearchQuery query, ReadOptions options, SampleBudget budget) {
        return Mono.defer(() -> {
            // Complete series from a node that fails later stay merged: they are true copies, and the answer is
            // marked partial by the node count as before.
            ReplicaMerge.Accumulator merged = new ReplicaMerge.Accumulator();
            return gather("/internal/search", query, options, response -> streamInto(response, merged, budget),
                    answers -> merged.sorted(), props.getReplicationFactor() - 1);
        });
    }

    private static Mono<Boolean> streamInto(WebClient.ResponseSpec response, ReplicaMerge.Accumulator merged,
            SampleBudget budget) {
        RowsStream rows = new RowsStream(budget, series -> budget.hold(merged.add(series)));
        return response.bodyToFlux(DataBuffer.class)
            .doOnNext(chunk -> {
                try (DataBuffer.ByteBufferIterator it = chunk.readableByteBuffers()) {
                    while (it.hasNext()) {
                        rows.feed(it.next());
                    }
                }
                finally {
                    DataBufferUtils.release(chunk);
                }
            })
            .then(Mono.fromCallable(() -> {
                rows.finish();
                return Boolean.TRUE;
            }));
    }

    public Mono<PartialResult<List<Labels>>> series(SearchQuery query, ReadOptions options) {
        return ask("/internal/series", query, options, body -> RowsCodec.decode(body).series(),
                answers -> ReplicaMerge.merge(answers).stream().map(TimeSeries::labels).toList());
    }

    public Mono<PartialResult<List<String>>> labelNames(SearchQuery query, ReadOptions options) {
        return ask("/internal/labels", query, options, StringListCodec::decode, answers -> answers)
            .map(r -> cappedUnion(r, query.limit(), "label names"));
    }

    public Mono<PartialResult<List<String>>> labelValues(String name, SearchQuery query, ReadOptions options) {
        return ask("/internal/label/" + UriUtils.encodePathSegment(name, StandardCharsets.UTF_8) + "/values", query,
                options, StringListCodec::decode, answers -> answers)
            .map(r -> cappedUnion(r, query.limit(), "values of label " + name));
    }

    /**
     * Cardinality merged over nodes; the query's limit is the top-N size. Every node must answer for the counts to
     * be right: summed counts are divided by the replication factor, so a missing node's series would be counted
     * at 1/RF of their number. Unlike a search, the answer is therefore partial as soon as one node is missing.
     */
    public Mono<PartialResult<NodeCardinality>> tsdbStatus(SearchQuery query, ReadOptions options) {
        return ask("/internal/status/tsdb", query, options, body -> List.of(NodeCardinality.parse(body)),
                answers -> NodeCardinality.merge(answers.stream().flatMap(List::stream).toList(),
                        props.getReplicationFactor()), 0)
            .map(r -> {
                if (!r.partial()) {
                    return r;
                }
                List<String> warnings = new ArrayList<>(r.warnings());
                warnings.add("series counts are undercounted: they come only from the storage nodes that answered "
                        + "and are divided by the replication factor (" + props.getReplicationFactor() + ")");
                return new PartialResult<>(r.value(), true, warnings);
            });
    }

    /**
     * Deletes the query's series on every storage node (its time range is ignored: whole series go).
     *
     * @return series deleted, summed over nodes (so each replica counts)
     * @throws StorageUnavailableException unless every node confirmed: a delete missing on one node would let that
     *         node's copies reappear in answers, so it is never reported as done
     */
    public Mono<Long> deleteSeries(SearchQuery query, ReadOptions options) {
        byte[] body = query.encode();
        return Flux.fromIterable(nodes)
            .flatMap(node -> call(node, "/internal/delete_series", body, options,
                    response -> whole(response, answer -> List.of(JSON.readTree(answer).path("deletedSeries")
                        .asLong()))))
            .collectList()
            .map(answers -> {
                long deleted = 0;
                List<String> failures = new ArrayList<>();
                for (NodeAnswer<List<Long>> a : answers) {
                    if (a.error() == null) {
                        deleted += a.value().get(0);
                    }
                    else {
                        failures.add("storage node " + a.url() + " did not delete: " + describe(a.error()));
                    }
                }
                if (!failures.isEmpty()) {
                    throw new StorageUnavailableException("delete_series did not complete on " + failures.size()
                            + " of " + answers.size() + " storage nodes, so matching series may still be stored; "
                            + "retry once they are back (deleting again is harmless): " + String.join("; ", failures));
                }
                return deleted;
            });
    }

    /** A read that is complete while fewer than replicationFactor nodes are missing. */
    private <T, R> Mono<PartialResult<R>> ask(String path, SearchQuery query, ReadOptions options,
            Function<byte[], List<T>> decode, Function<List<List<T>>, R> merge) {
        return ask(path, query, options, decode, merge, props.getReplicationFactor() - 1);
    }

    private <T, R> Mono<PartialResult<R>> ask(String path, SearchQuery query, ReadOptions options,
            Function<byte[], List<T>> decode, Function<List<List<T>>, R> merge, int completeDespite) {
        return gather(path, query, options, response -> whole(response, decode), merge, completeDespite);
    }

    private static <T> Mono<List<T>> whole(WebClient.ResponseSpec response, Function<byte[], List<T>> decode) {
        return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(decode);
    }

    /**
     * @param completeDespite how many nodes may be missing while the merged answer is still complete
     */
    private <V, R> Mono<PartialResult<R>> gather(String path, SearchQuery query, ReadOptions options,
            Function<WebClient.ResponseSpec, Mono<V>> read, Function<List<V>, R> merge, int completeDespite) {
        byte[] body = query.encode();
        return Mono.defer(() -> {
            if (options.expired()) {
                return Mono.error(new QueryTimeoutException("deadline passed before asking the storage nodes"));
            }
            return Flux.fromIterable(nodes)
                .flatMap(node -> call(node, path, body, options, read))
                .collectList()
                .map(answers -> combine(answers, options, merge, completeDespite));
        });
    }

    private <V> Mono<NodeAnswer<V>> call(Node node, String path, byte[] body, ReadOptions options,
            Function<WebClient.ResponseSpec, Mono<V>> read) {
        if (backoff.skips(node.url())) {
            Counter.builder("basalt_select_storage_skipped")
                .description("Requests not sent to a storage node because it could not be reached lately")
                .tag("node", node.url())
                .register(registry)
                .increment();
            return Mono.just(new NodeAnswer<>(node.url(), null, new NodeUnreachableException(
                    "skipped for up to " + props.getStorageBackoff().toSeconds() + "s after a failed connect")));
        }
        Duration left = options.remaining();
        long start = System.nanoTime();
        return read.apply(node.client()
                .post()
                .uri(path)
                .contentType(MediaType.parseMediaType(SearchQuery.CONTENT_TYPE))
                .header(TIMEOUT_HEADER, Long.toString(Math.max(1, left.toMillis())))
                .bodyValue(body)
                .retrieve())
            .timeout(left)
            .map(v -> new NodeAnswer<>(node.url(), v, null))
            .doOnNext(a -> backoff.record(node.url(), null))
            .onErrorResume(e -> {
                if (e instanceof QueryLimitException) {
                    // The request is over its limit, not the node at fault: fail the whole read (which cancels the
                    // other nodes' answers) instead of answering without this node.
                    return Mono.error(e);
                }
                backoff.record(node.url(), e);
                Counter.builder("basalt_select_storage_errors")
                    .description("Failed requests per storage node")
                    .tag("node", node.url())
                    .register(registry)
                    .increment();
                return Mono.just(new NodeAnswer<>(node.url(), null, e));
            })
            // Recorded before the answer moves on (not in doFinally, which runs after the merged response may
            // already be on the wire), so a scrape right after a query sees it.
            .doOnSuccess(a -> recordLatency(node.url(), start))
            .doOnCancel(() -> recordLatency(node.url(), start));
    }

    private void recordLatency(String node, long start) {
        Timer.builder("basalt_select_storage_request_duration")
            .description("Latency of requests to each storage node")
            .tag("node", node)
            .register(registry)
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private <V, R> PartialResult<R> combine(List<NodeAnswer<V>> answers, ReadOptions options,
            Function<List<V>, R> merge, int completeDespite) {
        List<V> ok = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (NodeAnswer<V> a : answers) {
            if (a.error() == null) {
                ok.add(a.value());
            }
            else {
                warnings.add("storage node " + a.url() + " did not answer: " + describe(a.error()));
            }
        }
        if (!warnings.isEmpty() && options.expired()) {
            throw new QueryTimeoutException("storage nodes did not answer before the deadline: "
                    + String.join("; ", warnings));
        }
        if (ok.isEmpty()) {
            throw new StorageUnavailableException("no storage node answered: " + String.join("; ", warnings));
        }
        // With RF copies of every series, fewer than RF missing nodes still leave a copy of each: complete.
        boolean partial = warnings.size() > completeDespite;
        if (partial && options.denyPartialResponse()) {
            throw new StorageUnavailableException("partial response denied (deny_partial_response): "
                    + String.join("; ", warnings));
        }
        return new PartialResult<>(merge.apply(ok), partial, partial ? warnings : List.of());
    }

    /**
     * The union of the nodes' string lists. A node stops at the query's limit, so a node that answered with that
     * many strings may have left some out: the answer says so in a warning rather than looking complete.
     */
    private PartialResult<List<String>> cappedUnion(PartialResult<List<List<String>>> r, int limit, String what) {
        TreeSet<String> all = new TreeSet<>();
        r.value().forEach(all::addAll);
        List<String> warnings = r.warnings();
        if (limit > 0 && r.value().stream().anyMatch(answer -> answer.size() >= limit)) {
            warnings = new ArrayList<>(warnings);
            warnings.add(what + " may be incomplete: a storage node answered with its limit of " + limit
                    + " (basalt.select.max-series + 1); narrow match[] or the time range");
        }
        return new PartialResult<>(new ArrayList<>(all), r.partial(), warnings);
    }

    private static String describe(Throwable e) {
        if (e instanceof WebClientResponseException w) {
            return "HTTP " + w.getStatusCode().value() + " " + w.getResponseBodyAsString().trim();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
