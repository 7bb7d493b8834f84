package io.basalt.select.api;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of a select node started on a random port, reading answers as JSON trees. */
final class ApiTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebTestClient client;

    private final String base;

    ApiTestSupport(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.client = WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30))
            .build();
    }

    record Answer(int status, String contentType, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Answer get(String uri) {
        var r = client.get().uri(URI.create(base + uri)).exchange().expectBody(String.class).returnResult();
        return new Answer(r.getStatus().value(), String.valueOf(r.getResponseHeaders().getContentType()),
                r.getResponseBody());
    }

    HttpHeaders getHeaders(String uri) {
        return client.get().uri(URI.create(base + uri)).exchange().expectBody(String.class).returnResult()
            .getResponseHeaders();
    }

    Answer postForm(String uri, MultiValueMap<String, String> form) {
        var r = client.post().uri(URI.create(base + uri)).contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(BodyInserters.fromFormData(form)).exchange().expectBody(String.class).returnResult();
        return new Answer(r.getStatus().value(), String.valueOf(r.getResponseHeaders().getContentType()),
                r.getResponseBody());
    }
}
