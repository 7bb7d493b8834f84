package io.basalt.select.ui;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An agent's {@code /api/v1/targets} with a fixed answer on a loopback port. */
final class UiStubAgent implements AutoCloseable {

    private final HttpServer server;

    private volatile int status = 200;

    private volatile String body;

    private final AtomicInteger requests = new AtomicInteger();

    UiStubAgent(String body) {
        this.body = body;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/targets", ex -> {
            try (ex) {
                requests.incrementAndGet();
                byte[] bytes = this.body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many times the targets were asked for. */
    int requests() {
        return requests.get();
    }

    void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    /** Prometheus' shape with one healthy and one failing target of pool {@code node}. */
    static String twoTargets(String lastScrape) {
        return """
                {"status":"success","data":{"activeTargets":[
                 {"discoveredLabels":{"__address__":"127.0.0.1:9100"},
                  "labels":{"instance":"127.0.0.1:9100","job":"node"},"scrapePool":"node",
                  "scrapeUrl":"http://127.0.0.1:9100/metrics","globalUrl":"http://127.0.0.1:9100/metrics",
                  "lastError":"","lastScrape":"%1$s","lastScrapeDuration":0.0123,"health":"up",
                  "scrapeInterval":"15s","scrapeTimeout":"10s"},
                 {"discoveredLabels":{"__address__":"127.0.0.1:9200"},
                  "labels":{"instance":"127.0.0.1:9200","job":"node"},"scrapePool":"node",
                  "scrapeUrl":"http://127.0.0.1:9200/metrics","globalUrl":"http://127.0.0.1:9200/metrics",
                  "lastError":"Get \\"http://127.0.0.1:9200/metrics\\": connection refused",
                  "lastScrape":"%1$s","lastScrapeDuration":0.0009,"health":"down",
                  "scrapeInterval":"15s","scrapeTimeout":"10s"}],
                 "droppedTargets":[]}}
                """.formatted(lastScrape);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
