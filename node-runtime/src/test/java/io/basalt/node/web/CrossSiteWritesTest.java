package io.basalt.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A page on another site can make a browser POST a form to a delete or internal endpoint, with the basic credentials
 * the browser remembers; authentication off or on, such a request must not run. Callers that are not browsers
 * (tiers, curl, Grafana's server) send no Sec-Fetch-Site and no Origin and pass.
 */
@SpringBootTest(classes = CrossSiteWritesTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrossSiteWritesTest {

    private static final String DELETE = "/delete/1/prometheus/api/v1/admin/tsdb/delete_series";

    @SpringBootApplication
    static class App {

        @RestController
        static class Endpoints {

            @PostMapping(DELETE)
            String delete() {
                return "deleted";
            }

            @PostMapping("/snapshot/delete_all")
            String deleteSnapshots() {
                return "deleted";
            }

            @PostMapping("/insert/1/prometheus/api/v1/write")
            String write() {
                return "written";
            }
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    private HttpResponse<String> post(String path, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("match[]=up"));
        if (header != null) {
            b.header(header, value);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFormPostedFromAnotherSitesPageIsRefused() throws Exception {
        for (String path : new String[] { DELETE, "/snapshot/delete_all" }) {
            HttpResponse<String> r = post(path, "Sec-Fetch-Site", "cross-site");
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).isEqualTo("403 cross-site request refused: " + path + " changes or deletes "
                    + "data and is not accepted from another site's page (Sec-Fetch-Site: cross-site); send it from "
                    + "curl or a script, or from this node's own origin\n");
            assertThat(post(path, "Sec-Fetch-Site", "same-site").statusCode()).as(path).isEqualTo(403);
        }
    }

    @Test
    void olderBrowsersAreJudgedByTheirOriginHeader() throws Exception {
        assertThat(post(DELETE, "Origin", "https://attacker.example").statusCode()).isEqualTo(403);
        assertThat(post(DELETE, "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(post(DELETE, "Origin", "http://127.0.0.1:" + port).statusCode()).isEqualTo(200);
    }

    @Test
    void theNodesOwnPagesScriptsAndOtherWritesPass() throws Exception {
        assertThat(post(DELETE, "Sec-Fetch-Site", "same-origin").body()).isEqualTo("deleted");
        assertThat(post(DELETE, null, null).body()).isEqualTo("deleted");
        // ingestion is not guarded: remote write never comes from a browser page, and a sample is not a delete
        assertThat(post("/insert/1/prometheus/api/v1/write", "Sec-Fetch-Site", "cross-site").body())
            .isEqualTo("written");
    }
}
