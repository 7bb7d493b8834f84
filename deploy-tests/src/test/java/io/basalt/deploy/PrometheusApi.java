package io.basalt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The slice of the Prometheus HTTP API the container test reads, for a Prometheus or a Basalt select node. */
final class PrometheusApi {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;

    /** {@code base} is what Grafana would be given, e.g. {@code http://127.0.0.1:32771/select/0/prometheus}. */
    PrometheusApi(String base) {
        this.base = base;
    }

    /** The whole response of an instant query; a transport failure is reported as an error response. */
    JsonNode query(String promql) {
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("status", "error").put("error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode().put("status", "error").put("error", "interrupted");
        }
    }

    static boolean hasData(JsonNode response) {
        return "success".equals(response.path("status").asText()) && !response.path("data").path("result").isEmpty();
    }

    /** Values of one label over the result, e.g. the regions present. */
    static Set<String> labelValues(JsonNode response, String label) {
        Set<String> values = new TreeSet<>();
        response.path("data").path("result").forEach(r -> {
            if (r.path("metric").has(label)) {
                values.add(r.path("metric").path(label).asText());
            }
        });
        return values;
    }

    /** Each result series' full label set, rendered canonically. */
    static Set<String> series(JsonNode response) {
        Set<String> series = new TreeSet<>();
        response.path("data").path("result").forEach(r -> {
            Map<String, String> labels = new TreeMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            series.add(labels.toString());
        });
        return series;
    }
}
