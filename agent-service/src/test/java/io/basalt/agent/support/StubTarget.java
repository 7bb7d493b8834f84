package io.basalt.agent.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** A scrape target on a random loopback port: each path serves a page, or hangs. */
public final class StubTarget implements AutoCloseable {

    private final HttpServer server;

    private final Map<String, Supplier<String>> pages = new ConcurrentHashMap<>();

    private volatile boolean closed;

    public StubTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-target");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
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

    public StubTarget hang(String path) {
        pages.put(path, () -> null);
        return this;
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
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
