package io.basalt.scrape.discovery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.scrape.support.LoopbackServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A loopback stand-in for the Kubernetes API server: list answers by collection path (recorded answers kept under
 * {@code src/test/resources/kubernetes/}), and for {@code ?watch=1} requests the next scripted stream of that path.
 * A watch with no script left is held open until the server closes. Every request is kept.
 */
final class FakeKubernetesApi implements AutoCloseable {

    /** A request as the server saw it. */
    record Request(String path, String query, String authorization, String clientSubject) {

        boolean watch() {
            return query != null && query.contains("watch=1");
        }

        /** A query parameter's raw (still encoded) value, or {@code null}. */
        String param(String name) {
            if (query == null) {
                return null;
            }
            for (String p : query.split("&")) {
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    /** How a scripted watch stream ends after its events. */
    enum End {
        /** The server ends the stream cleanly, as at its timeout. */
        CLOSE,
        /** The stream breaks in the middle of an event. */
        BREAK,
        /** The stream stays open and silent until {@link #releaseHeld} or the server closes. */
        HOLD
    }

    private record Watch(int status, List<String> events, End end) {
    }

    private final HttpServer server;

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kubernetes-api");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, Function<Request, String>> lists = new ConcurrentHashMap<>();

    private final Map<String, BlockingQueue<Watch>> watches = new ConcurrentHashMap<>();

    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Counted down to end the streams held open now; replaced by a fresh one for those opened later. */
    private volatile CountDownLatch held = new CountDownLatch(1);

    FakeKubernetesApi() throws IOException {
        this(null, false);
    }

    /** @param tls {@code null} for plain HTTP; else HTTPS, requiring a client certificate if asked */
    FakeKubernetesApi(SSLContext tls, boolean requireClientCertificate) throws IOException {
        server = LoopbackServers.create(tls, requireClientCertificate);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers lists of {@code path} with the test resource {@code kubernetes/<resource>}. */
    FakeKubernetesApi list(String path, String resource) {
        return listing(path, () -> resource(resource));
    }

    FakeKubernetesApi listing(String path, Supplier<String> body) {
        return paging(path, request -> body.get());
    }

    /** Answers lists of {@code path} by the request, e.g. by its {@code continue} token. */
    FakeKubernetesApi paging(String path, Function<Request, String> body) {
        lists.put(path, body);
        return this;
    }

    /** Queues the stream the next watch of {@code path} gets: one JSON event per line, then {@code end}. */
    FakeKubernetesApi watch(String path, End end, String... events) {
        watches.computeIfAbsent(path, k -> new LinkedBlockingQueue<>()).add(new Watch(200, List.of(events), end));
        return this;
    }

    /** Queues a watch answer of status {@code status} with no stream, as the API server's 410 Gone. */
    FakeKubernetesApi watchStatus(String path, int status) {
        watches.computeIfAbsent(path, k -> new LinkedBlockingQueue<>()).add(new Watch(status, List.of(), End.CLOSE));
        return this;
    }

    String baseUrl() {
        return LoopbackServers.scheme(server) + "://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String path, boolean watch) {
        return requests.stream().filter(r -> r.path().equals(path) && r.watch() == watch).toList();
    }

    static String resource(String name) {
        try (InputStream in = FakeKubernetesApi.class.getResourceAsStream("/kubernetes/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource kubernetes/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A watch event line for the object in test resource {@code kubernetes/<resource>}. */
    static String event(String type, String resource) {
        return "{\"type\": \"" + type + "\", \"object\": " + resource(resource).strip() + "}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Request request = new Request(path, query, exchange.getRequestHeaders().getFirst("Authorization"),
                LoopbackServers.clientSubject(exchange));
        requests.add(request);
        try (exchange) {
            if (request.watch()) {
                streamWatch(exchange, path);
                return;
            }
            Function<Request, String> body = lists.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            send(exchange, 200, body.apply(request));
        }
    }

    private void streamWatch(HttpExchange exchange, String path) throws IOException {
        BlockingQueue<Watch> queue = watches.get(path);
        Watch w = queue == null ? null : queue.poll();
        if (w == null) {
            w = new Watch(200, List.of(), End.HOLD);
        }
        if (w.status() != 200) {
            send(exchange, w.status(), "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": \"Failure\", "
                    + "\"reason\": \"Expired\", \"code\": " + w.status() + "}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String e : w.events()) {
            out.write((e.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        switch (w.end()) {
            case BREAK -> {
                out.write("{\"type\": \"MODIFIED\", \"object\": {\"metadata\": {\"na".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            case HOLD -> {
                try {
                    held.await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case CLOSE -> {
            }
        }
        out.close();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Ends, cleanly, every watch stream held open now. */
    void releaseHeld() {
        CountDownLatch now = held;
        held = new CountDownLatch(1);
        now.countDown();
    }

    @Override
    public void close() {
        held.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
