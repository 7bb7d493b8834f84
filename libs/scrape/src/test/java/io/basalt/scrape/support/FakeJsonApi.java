package io.basalt.scrape.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A loopback HTTP server answering canned bodies by path, standing in for an HTTP SD endpoint or Consul's API, and
 * keeping every request it saw.
 */
public final class FakeJsonApi implements AutoCloseable {

    /** A request as the server saw it: path with query, and the headers that discovery sets. */
    public record Request(String pathAndQuery, String authorization, String consulToken, String refreshInterval) {
    }

    private record Answer(int status, String contentType, Supplier<String> body) {
    }

    private final HttpServer server;

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeJsonApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI()
                            .getRawQuery());
            requests.add(new Request(uri, exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("X-Consul-Token"),
                    exchange.getRequestHeaders().getFirst("X-Prometheus-Refresh-Interval-Seconds")));
            Answer a = answers.get(exchange.getRequestURI().getPath());
            if (a == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] bytes = a.body().get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
            exchange.sendResponseHeaders(a.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public FakeJsonApi json(String path, Supplier<String> body) {
        return answer(path, 200, "application/json", body);
    }

    public FakeJsonApi answer(String path, int status, String contentType, Supplier<String> body) {
        answers.put(path, new Answer(status, contentType, body));
        return this;
    }

    public String baseUrl() {
        return "http://" + address();
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
