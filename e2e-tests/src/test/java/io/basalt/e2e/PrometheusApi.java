package io.basalt.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A minimal client of the Prometheus HTTP API, as Grafana or promtool would call it. */
final class PrometheusApi {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;

    /** @param prefix e.g. {@code http://127.0.0.1:8481/select/0/prometheus} */
    PrometheusApi(String prefix) {
        this.prefix = prefix;
    }

    /** One element of an instant vector. */
    record Sample(Map<String, String> labels, double timestampSeconds, String value) {
    }

    List<Sample> instantVector(String query) throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (!"success".equals(body.path("status").asString())) {
            throw new IllegalStateException("query " + query + " failed: " + body);
        }
        List<Sample> out = new ArrayList<>();
        for (JsonNode r : body.path("data").path("result")) {
            Map<String, String> labels = new TreeMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            out.add(new Sample(labels, r.path("value").get(0).asDouble(), r.path("value").get(1).asString()));
        }
        return out;
    }

    /**
     * The raw samples of a range-vector query such as {@code {job="node"}[5m]}, per series: timestamps in
     * milliseconds mapped to values as the API wrote them.
     */
    Map<Map<String, String>, Map<Long, String>> rangeVector(String query, double atSeconds)
            throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + atSeconds);
        if (!"success".equals(body.path("status").asString())) {
            throw new IllegalStateException("query " + query + " failed: " + body);
        }
        Map<Map<String, String>, Map<Long, String>> out = new java.util.HashMap<>();
        for (JsonNode r : body.path("data").path("result")) {
            Map<String, String> labels = new TreeMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            Map<Long, String> samples = new TreeMap<>();
            for (JsonNode v : r.path("values")) {
                samples.put(Math.round(v.get(0).asDouble() * 1000), v.get(1).asString());
            }
            out.put(labels, samples);
        }
        return out;
    }

    /** The series of {@code /api/v1/export} (one JSON object per line) over the last {@code lookback}. */
    List<JsonNode> export(String selector, Duration lookback) throws IOException, InterruptedException {
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prefix + "/api/v1/export?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8) + "&start=" + (now - lookback.toSeconds())
                + "&end=" + (now + 60))).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("export of " + selector + " answered " + r.statusCode() + ": " + r.body());
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prefix + pathAndQuery))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
