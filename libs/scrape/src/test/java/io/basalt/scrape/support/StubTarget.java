package io.basalt.scrape.support;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;

/**
 * A scrape target on a random loopback port: each path serves a page, or hangs. Over HTTPS it requires a client
 * certificate. It remembers each request's {@code Authorization} header and client certificate subject.
 */
public final class StubTarget implements AutoCloseable {

    private final HttpServer server;

    private final Map<String, Supplier<String>> pages = new ConcurrentHashMap<>();

    private final Set<String> gzipped = ConcurrentHashMap.newKeySet();

    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private final List<String> acceptEncodings = new CopyOnWriteArrayList<>();

    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    private volatile boolean closed;

    public StubTarget() throws IOException {
        this(null);
    }

    /** @param mutualTls the server's TLS context; {@code null} for plain HTTP */
    public StubTarget(SSLContext mutualTls) throws IOException {
        server = LoopbackServers.create(mutualTls);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-target");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            clientSubjects.add(LoopbackServers.clientSubject(exchange));
            acceptEncodings.add(String.valueOf(exchange.getRequestHeaders().getFirst("Accept-Encoding")));
            Supplier<String> page = pages.get(exchange.getRequestURI().getPath());
            if (page == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String body = page.get();
            if (body == null) {
                // Hang until the scraper gives up, bounded so the test JVM can always exit.
                for (int i = 0; i < 100 && !closed; i++) {
                    sleep(100);
                }
                exchange.close();
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            if (gzipped.contains(exchange.getRequestURI().getPath())) {
                bytes = gzip(bytes);
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public StubTarget page(String path, String body) {
        pages.put(path, () -> body);
        return this;
    }

    /** A page whose body may change between scrapes. */
    public StubTarget page(String path, Supplier<String> body) {
        pages.put(path, body);
        return this;
    }

    /** A page always sent with {@code Content-Encoding: gzip}, as exporters answer a scraper that accepts it. */
    public StubTarget gzipPage(String path, String body) {
        gzipped.add(path);
        return page(path, body);
    }

    public StubTarget hang(String path) {
        pages.put(path, () -> null);
        return this;
    }

    /** Each request's Authorization header, {@code "null"} where there was none. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Each request's Accept-Encoding header, {@code "null"} where there was none. */
    public List<String> acceptEncodings() {
        return List.copyOf(acceptEncodings);
    }

    /** Each request's client certificate subject, e.g. {@code CN=client}. */
    public List<String> clientSubjects() {
        return List.copyOf(clientSubjects);
    }

    public String url(String path) {
        return LoopbackServers.scheme(server) + "://" + address() + path;
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
