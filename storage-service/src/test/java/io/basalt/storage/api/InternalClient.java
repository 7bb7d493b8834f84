package io.basalt.storage.api;

import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Calls a storage node's HTTP API the way insert and select nodes do, with the binary bodies. */
final class InternalClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String base;

    InternalClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> insert(TenantId tenant, List<TimeSeries> series) {
        return post("/internal/insert", RowsCodec.CONTENT_TYPE, RowsCodec.encode(tenant, series));
    }

    HttpResponse<byte[]> search(SearchQuery q) {
        return send(request("/internal/search", SearchQuery.CONTENT_TYPE, q.encode()),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    CompletableFuture<HttpResponse<byte[]>> searchAsync(SearchQuery q) {
        return http.sendAsync(request("/internal/search", SearchQuery.CONTENT_TYPE, q.encode()),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) {
        return send(request(path, contentType, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> postForBytes(String path, String contentType, byte[] body) {
        return send(request(path, contentType, body), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
