package io.basalt.insert.testing;

import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/** Calls an insert node the way senders do; answers are returned whatever their status. */
public final class InsertHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String base;

    public InsertHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> remoteWrite(List<TimeSeries> series) {
        return remoteWrite("/insert/0/prometheus/api/v1/write", RemoteWriteEncoder.encode(series));
    }

    public HttpResponse<String> remoteWrite(String path, byte[] body) {
        return post(path, body, "Content-Type", RemoteWriteEncoder.CONTENT_TYPE, "Content-Encoding",
                RemoteWriteEncoder.CONTENT_ENCODING, "X-Prometheus-Remote-Write-Version",
                RemoteWriteEncoder.VERSION_HEADER_VALUE);
    }

    /** @param headers name, value, name, value... */
    public HttpResponse<String> post(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** The distinct {@code uri} labels of {@code http_client_requests_seconds_count}: the node's calls to storage. */
    public Set<String> clientUriTags() {
        Set<String> uris = new TreeSet<>();
        Matcher uri = Pattern.compile("uri=\"([^\"]*)\"").matcher("");
        for (String line : get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith("http_client_requests_seconds_count{") && uri.reset(line).find()) {
                uris.add(uri.group(1));
            }
        }
        return uris;
    }

    /**
     * The sum of a metric's samples on {@code /actuator/prometheus} whose labels include every {@code k="v"} given,
     * 0 if none.
     */
    public double metric(String name, String... labels) {
        double sum = 0;
        for (String line : get("/actuator/prometheus").body().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (HttpTimeoutException e) {
            // Requests to the node under test have gone unanswered only in full-module runs, never alone: what
            // every thread was doing then is the evidence needed to find out why.
            System.err.println("no answer to " + request.method() + " " + request.uri() + " in time; threads:");
            Thread.getAllStackTraces().forEach((t, stack) -> {
                System.err.println("\"" + t.getName() + "\" " + t.getState());
                for (StackTraceElement frame : stack) {
                    System.err.println("    at " + frame);
                }
            });
            throw new IllegalStateException(e);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
