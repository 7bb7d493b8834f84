package io.basalt.node.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP server that records the {@code Authorization} header of every request to {@code /next} and plays
 * an OAuth2 token endpoint at {@code /token} (client-credentials grant, tokens numbered by issue).
 */
final class RecordingServer implements AutoCloseable {

    final List<String> authorizations = new CopyOnWriteArrayList<>();

    final List<String> tokenRequestAuthorizations = new CopyOnWriteArrayList<>();

    final AtomicInteger tokensIssued = new AtomicInteger();

    private final HttpServer server;

    private final String scheme;

    RecordingServer() {
        this(null);
    }

    /** @param tls serves HTTPS with this context's key when not {@code null} */
    RecordingServer(SSLContext tls) {
        try {
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                scheme = "http";
            }
            else {
                HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
                scheme = "https";
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/next", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "<none>" : auth);
            respond(ex, 200, "text/plain", "ok");
        });
        server.createContext("/token", ex -> {
            tokenRequestAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.getRequestBody().readAllBytes();
            int n = tokensIssued.incrementAndGet();
            respond(ex, 200, "application/json",
                    "{\"access_token\":\"issued-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        });
        server.start();
    }

    String url(String path) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
