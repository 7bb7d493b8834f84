package io.basalt.insert.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.HashRange;
import io.basalt.wire.cluster.MisplacedSeriesQuery;
import io.basalt.wire.cluster.MovedSeriesDrop;
import io.basalt.wire.cluster.ReplicaDigests;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.ScopedSearchQuery;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

/**
 * A storage node reduced to its internal insert API: it decodes each rows block and keeps it, or answers as told
 * (busy, rejecting, slow, gone), so insert-service can be tested against failures without real storage processes.
 * It also answers what the repairer reads (tenants, digests, search by hash range and owner set) and what the
 * rebalancer asks (misplaced series, drops of moved ones) from what it keeps.
 */
public final class StubStorageNode implements AutoCloseable {

    public enum Behaviour { STORE, BUSY_503, REJECT_400, SLOW, DOWN }

    private final HttpServer server;

    private final String url;

    private volatile Behaviour behaviour = Behaviour.STORE;

    private volatile long slowMillis = 2_000;

    private final List<RowsCodec.Rows> blocks = new CopyOnWriteArrayList<>();


    private final AtomicInteger requests = new AtomicInteger();

    /** Bumped by {@link #clear}, so a slow request from an earlier test cannot store into the next one. */
    private final AtomicInteger generation = new AtomicInteger();

    private StubStorageNode(HttpServer server) {
        this.server = server;
        this.url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * A node on a free loopback port, kept for the life of the JVM on daemon threads. Test classes do not close
     * theirs: Spring keeps their application context cached, and Surefire reruns a failed test in the same JVM, where
     * closed nodes would refuse every write and delivery and fail the rerun whatever the first failure was.
     */
    public static StubStorageNode start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "stub-storage-node");
                t.setDaemon(true);
                return t;
            }));
            StubStorageNode node = new StubStorageNode(server);
            server.createContext("/internal/insert", node::insert);
            server.createContext("/internal/tenants", node::tenants);
            server.createContext("/internal/digest", node::digest);
            server.createContext("/internal/search", node::search);
            server.createContext("/internal/misplaced", node::misplaced);
            server.createContext("/internal/drop_moved", node::dropMoved);
            server.start();
            return node;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return url;
    }

    public void behave(Behaviour b) {
        this.behaviour = b;
    }

    public void slowBy(long millis) {
        this.slowMillis = millis;
        this.behaviour = Behaviour.SLOW;
    }

    /** Insert requests received, whatever was answered. */
    public int requests() {
        return requests.get();
    }

    public List<RowsCodec.Rows> blocks() {
        return List.copyOf(blocks);
    }

    /** Every stored series entry, in arrival order (a series sent in two blocks appears twice). */
    public List<TimeSeries> series() {
        List<TimeSeries> out = new ArrayList<>();
        blocks.forEach(b -> out.addAll(b.series()));
        return out;
    }

    public List<Labels> labels() {
        return series().stream().map(TimeSeries::labels).toList();
    }

    public long samples() {
        return series().stream().mapToLong(TimeSeries::size).sum();
    }

    /**
     * Makes the insert node under test address {@code nodes} as its storage nodes, two copies of each series, with
     * a short timeout and back-off so that failover tests run quickly.
     */
    public static void addAsStorageNodes(org.springframework.test.context.DynamicPropertyRegistry r,
            List<StubStorageNode> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            StubStorageNode node = nodes.get(i);
            r.add("spring.cloud.discovery.client.simple.instances.storage[" + i + "].uri", node::url);
        }
        r.add("basalt.insert.replication-factor", () -> 2);
        r.add("basalt.insert.storage-timeout", () -> "2s");
        r.add("basalt.insert.storage-backoff", () -> "300ms");
    }

    /** Back to storing, with nothing stored: the state each test starts from. */
    public void reset() {
        behave(Behaviour.STORE);
        clear();
    }

    public void clear() {
        generation.incrementAndGet();
        blocks.clear();
        requests.set(0);
    }

    private void insert(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        byte[] body = ex.getRequestBody().readAllBytes();
        switch (behaviour) {
            case BUSY_503 -> answer(ex, 503, "busy");
            case REJECT_400 -> answer(ex, 400, "rows block: unsupported version");
            case DOWN -> ex.close();
            case SLOW -> {
                int started = generation.get();
                sleep(slowMillis);
                if (generation.get() == started) {
                    blocks.add(RowsCodec.decode(body));
                }
                answer(ex, 204, null);
            }
            case STORE -> {
                blocks.add(RowsCodec.decode(body));
                answer(ex, 204, null);
            }
        }
    }

    /**
     * What the node holds of {@code tenant} in {@code [minTime, maxTime]}, one value per series and timestamp (the
     * last written wins, as in the engine), each series' samples in time order.
     */
    public List<TimeSeries> held(TenantId tenant, long minTime, long maxTime) {
        Map<Labels, TreeMap<Long, Double>> merged = new TreeMap<>();
        for (RowsCodec.Rows block : blocks) {
            if (!block.tenant().equals(tenant)) {
                continue;
            }
            for (TimeSeries ts : block.series()) {
                for (int i = 0; i < ts.size(); i++) {
                    if (ts.timestamp(i) >= minTime && ts.timestamp(i) <= maxTime) {
                        merged.computeIfAbsent(ts.labels(), l -> new TreeMap<>()).put(ts.timestamp(i), ts.value(i));
                    }
                }
            }
        }
        List<TimeSeries> out = new ArrayList<>();
        merged.forEach((labels, samples) -> out.add(new TimeSeries(labels,
                samples.keySet().stream().mapToLong(Long::longValue).toArray(),
                samples.values().stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    /** Stores {@code series} as if they had been written (a replica's state before a test). */
    public void store(TenantId tenant, List<TimeSeries> series) {
        blocks.add(new RowsCodec.Rows(tenant, series));
    }

    private void tenants(HttpExchange ex) throws IOException {
        SearchQuery q = SearchQuery.decode(ex.getRequestBody().readAllBytes());
        Set<String> tenants = new TreeSet<>();
        for (RowsCodec.Rows block : blocks) {
            if (!held(block.tenant(), q.minTime(), q.maxTime()).isEmpty()) {
                tenants.add(block.tenant().toString());
            }
        }
        answerBytes(ex, StringListCodec.encode(List.copyOf(tenants)));
    }

    private void digest(HttpExchange ex) throws IOException {
        Map<String, String> params = params(ex);
        ReplicaDigests digests = new ReplicaDigests(Long.parseUnsignedLong(params.getOrDefault("prefix", "0")),
                Integer.parseInt(params.getOrDefault("prefixBits", "0")),
                Integer.parseInt(params.getOrDefault("bucketBits", "8")));
        ScopedSearchQuery scoped = ScopedSearchQuery.decode(ex.getRequestBody().readAllBytes());
        TenantId tenant = scoped.query().tenant();
        inScope(scoped, digests.range()).forEach(ts -> digests.add(SeriesHash.of(tenant, ts.labels()), ts));
        answerBytes(ex, digests.encode());
    }

    private void search(HttpExchange ex) throws IOException {
        Map<String, String> params = params(ex);
        HashRange range = new HashRange(Long.parseUnsignedLong(params.getOrDefault("prefix", "0")),
                Integer.parseInt(params.getOrDefault("prefixBits", "0")));
        ScopedSearchQuery scoped = ScopedSearchQuery.decode(ex.getRequestBody().readAllBytes());
        answerBytes(ex, RowsCodec.encode(scoped.query().tenant(), inScope(scoped, range)));
    }

    private void misplaced(HttpExchange ex) throws IOException {
        MisplacedSeriesQuery q = MisplacedSeriesQuery.decode(ex.getRequestBody().readAllBytes());
        MisplacedSeriesQuery.OwnerTest owners = q.ownerTest();
        List<TimeSeries> out = held(q.tenant(), Long.MIN_VALUE, Long.MAX_VALUE).stream()
            .filter(ts -> {
                long hash = SeriesHash.of(q.tenant(), ts.labels());
                return q.range().contains(hash) && !owners.holderOwns(hash);
            })
            .toList();
        answerBytes(ex, RowsCodec.encode(q.tenant(), out));
    }

    /** Deletes the named series if it holds exactly what the drop expects, as storage does; else 409. */
    private synchronized void dropMoved(HttpExchange ex) throws IOException {
        MovedSeriesDrop drop = MovedSeriesDrop.decode(ex.getRequestBody().readAllBytes());
        Set<Labels> named = Set.copyOf(drop.series());
        List<TimeSeries> held = held(drop.tenant(), Long.MIN_VALUE, Long.MAX_VALUE).stream()
            .filter(ts -> named.contains(ts.labels()))
            .toList();
        if (!drop.matches(MovedSeriesDrop.sumOf(drop.tenant(), held))) {
            answer(ex, 409, "{\"error\":\"changed since copied\"}");
            return;
        }
        blocks.replaceAll(b -> !b.tenant().equals(drop.tenant()) ? b : new RowsCodec.Rows(b.tenant(),
                b.series().stream().filter(ts -> !named.contains(ts.labels())).toList()));
        answer(ex, 200, "{\"deletedSeries\":" + held.size() + "}");
    }

    /** What a digest or search asks for: the held series of the range and, if one is named, the owner set. */
    private List<TimeSeries> inScope(ScopedSearchQuery scoped, HashRange range) {
        SearchQuery q = scoped.query();
        LongPredicate owned = scoped.seriesHashes();
        return held(q.tenant(), q.minTime(), q.maxTime()).stream()
            .filter(ts -> {
                long hash = SeriesHash.of(q.tenant(), ts.labels());
                return range.contains(hash) && owned.test(hash);
            })
            .toList();
    }

    private void answerBytes(HttpExchange ex, byte[] body) throws IOException {
        if (behaviour == Behaviour.DOWN) {
            ex.close();
            return;
        }
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private static Map<String, String> params(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        if (text == null) {
            ex.sendResponseHeaders(status, -1);
        }
        else {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
