package io.basalt.insert.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage node reduced to its internal insert API: it decodes each rows block and keeps it, or answers as told
 * (busy, rejecting, slow, gone), so insert-service can be tested against failures without real storage processes.
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
