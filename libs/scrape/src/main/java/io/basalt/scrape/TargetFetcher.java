package io.basalt.scrape;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.http.ClientTls;
import io.basalt.scrape.http.CredentialException;
import io.basalt.scrape.http.RequestAuthorization;
import io.basalt.wire.exposition.ExpositionFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/** Fetches one target's page over HTTP(S) without blocking a thread while it waits. */
public final class TargetFetcher {

    private final HttpClientSettings settings;

    private final Executor executor;

    /** Rebuilt when the TLS files change; see {@link ClientTls#filesVersion}. */
    private volatile VersionedClient client;

    private record VersionedClient(String tlsFiles, HttpClient http) {
    }

    private final RequestAuthorization authorization;

    private final long maxBodyBytes;

    /**
     * The body of a successful scrape, already decompressed.
     *
     * @param contentType the response's {@code Content-Type}, which selects the text format
     */
    public record Page(byte[] body, String contentType) {
    }

    public TargetFetcher(HttpClientSettings settings, Executor executor, long maxBodyBytes) {
        this.authorization = RequestAuthorization.of(settings);
        this.maxBodyBytes = maxBodyBytes;
        this.settings = settings;
        this.executor = executor;
    }

    private HttpClient client() {
        String tlsFiles = ClientTls.filesVersion(settings.tls());
        VersionedClient c = client;
        if (c == null || !c.tlsFiles().equals(tlsFiles)) {
            synchronized (this) {
                c = client;
                if (c == null || !c.tlsFiles().equals(tlsFiles)) {
                    // The client's own executor: pages are read on ours (thenApplyAsync below), and the client's
                    // threads stay free to receive the next responses.
                    c = new VersionedClient(tlsFiles, HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(10))
                            .sslContext(ClientTls.sslContext(settings.tls()))
                            .sslParameters(ClientTls.sslParameters(settings.tls()))
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build());
                    client = c;
                }
            }
        }
        return c.http();
    }

    /**
     * Starts a scrape. The future fails with a {@link ScrapeFailure} whose message is what {@code /api/v1/targets}
     * shows as {@code lastError}.
     */
    public CompletableFuture<Page> fetch(java.net.URI url, Duration timeout) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", ExpositionFormat.SCRAPE_ACCEPT_HEADER)
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "basalt-agent")
                .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeout.toMillis() / 1000.0))
                .GET();
        AtomicReference<CompletableFuture<?>> exchange = new AtomicReference<>();
        return authorizationHeader().thenCompose(auth -> {
            if (auth != null) {
                rb.header("Authorization", auth);
            }
            CompletableFuture<HttpResponse<InputStream>> sent = client().sendAsync(rb.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            exchange.set(sent);
            return sent;
        })
                .thenApplyAsync(this::read, executor)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((p, e) -> {
                    CompletableFuture<?> sent = exchange.get();
                    if (e != null && sent != null) {
                        // Aborts the exchange, so a hanging target does not keep a connection per attempt.
                        sent.cancel(true);
                    }
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(asFailure(e, timeout)));
    }

    /** An OAuth2 token may need a request of its own: that happens off the scheduler's thread. */
    private CompletableFuture<String> authorizationHeader() {
        if (authorization.mayBlock()) {
            return CompletableFuture.supplyAsync(authorization::header, executor);
        }
        try {
            return CompletableFuture.completedFuture(authorization.header());
        }
        catch (CredentialException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Page read(HttpResponse<InputStream> response) {
        try (InputStream raw = response.body()) {
            if (response.statusCode() != 200) {
                throw new ScrapeFailure("server returned HTTP status " + response.statusCode() + " "
                        + reason(response.statusCode()));
            }
            byte[] bytes = readLimited(raw);
            String encoding = response.headers().firstValue("Content-Encoding").orElse("");
            if (encoding.equalsIgnoreCase("gzip")) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    bytes = readLimited(in);
                }
            }
            return new Page(bytes, response.headers().firstValue("Content-Type").orElse(""));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > maxBodyBytes) {
                throw new ScrapeFailure("body size limit exceeded (" + maxBodyBytes + " bytes)");
            }
        }
        return out.toByteArray();
    }

    private static ScrapeFailure asFailure(Throwable e, Duration timeout) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UncheckedIOException u && u.getCause() != null) {
            cause = u.getCause();
        }
        if (cause instanceof ScrapeFailure f) {
            return f;
        }
        if (cause instanceof CredentialException c) {
            return new ScrapeFailure(c.getMessage());
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return new ScrapeFailure("context deadline exceeded (timeout " + timeout.toMillis() + "ms)");
        }
        String message = cause.getMessage();
        return new ScrapeFailure(cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    /** A scrape that did not produce a page; the message says why. */
    public static final class ScrapeFailure extends RuntimeException {

        public ScrapeFailure(String message) {
            super(message, null, false, false);
        }
    }
}
