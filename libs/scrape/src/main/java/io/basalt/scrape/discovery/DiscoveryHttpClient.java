package io.basalt.scrape.discovery;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.http.ClientTls;
import io.basalt.scrape.http.CredentialException;
import io.basalt.scrape.http.RequestAuthorization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GETs the answers of HTTP-based discovery (http_sd, Consul) with an SD entry's own HTTP client config: credentials
 * and TLS as for scrapes, bodies bounded in size.
 */
final class DiscoveryHttpClient {

    /** Far above any real SD answer, low enough that a runaway one cannot exhaust the heap. */
    static final int MAX_BODY_BYTES = 64 << 20;

    private final HttpClientSettings settings;

    private final RequestAuthorization authorization;

    private final Duration timeout;

    private HttpClient client;

    DiscoveryHttpClient(HttpClientSettings settings, Duration timeout) {
        this.settings = settings;
        this.authorization = RequestAuthorization.of(settings);
        this.timeout = timeout;
    }

    /**
     * Built at first use, as a scrape's client is, so that an unreadable CA or key file fails the discovery (and
     * says why) rather than the config load.
     */
    private synchronized HttpClient client() {
        if (client == null) {
            try {
                client = HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .sslContext(ClientTls.sslContext(settings.tls()))
                        .sslParameters(ClientTls.sslParameters(settings.tls()))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
            }
            catch (RuntimeException e) {
                throw new DiscoveryException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return client;
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The JSON of a 200 answer.
     *
     * @throws DiscoveryException for no answer, another status or malformed JSON
     */
    JsonNode json(URI url, Map<String, String> headers) {
        Answer answer = get(url, headers);
        if (answer.status() != 200) {
            throw new DiscoveryException(url.getPath() + ": server returned HTTP status " + answer.status());
        }
        try {
            return JSON.readTree(answer.body());
        }
        catch (JacksonException e) {
            throw new DiscoveryException(url.getPath() + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An answer; its status and type are the caller's to check. */
    record Answer(int status, String contentType, String body) {
    }

    /** @throws DiscoveryException when no answer arrives */
    Answer get(URI url, Map<String, String> headers) {
        HttpResponse<InputStream> response = open(url, headers);
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new DiscoveryException(url + ": answer larger than " + MAX_BODY_BYTES + " bytes");
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    new String(body, StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw failure(url, e);
        }
    }

    /**
     * An answer whose body is still arriving, for a stream such as a Kubernetes watch; the timeout bounds only the
     * wait for its status. The caller closes the body.
     *
     * @throws DiscoveryException when no answer arrives
     */
    HttpResponse<InputStream> open(URI url, Map<String, String> headers) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", "basalt-agent")
                .GET();
        headers.forEach(rb::header);
        try {
            String auth = authorization.header();
            if (auth != null) {
                rb.header("Authorization", auth);
            }
            return client().send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        catch (CredentialException e) {
            throw new DiscoveryException(url + ": " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw failure(url, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException(url + ": interrupted", e);
        }
    }

    private static DiscoveryException failure(URI url, IOException e) {
        return new DiscoveryException(url + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
}
