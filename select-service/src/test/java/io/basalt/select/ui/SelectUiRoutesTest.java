package io.basalt.select.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How select-service serves the UI's files and its targets proxy, seen over HTTP as a browser sees them. */
class SelectUiRoutesTest extends UiTestCluster {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRootRedirectsToTenantZerosUi() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/select/0/ui/");
    }

    @Test
    void theUiAddressWithoutTrailingSlashRedirectsSoRelativeAssetsResolve() throws Exception {
        HttpResponse<String> r = get("/select/7:3/ui");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/select/7:3/ui/");
    }

    @Test
    void theIndexPageAndEveryAssetItNamesAreServedFromTheJarForAnyTenant() throws Exception {
        for (String tenant : List.of("0", "42:1")) {
            HttpResponse<String> index = get("/select/" + tenant + "/ui/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/html"));
            assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    v -> assertThat(v).contains("default-src 'self'"));
            assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");

            List<String> assets = new ArrayList<>();
            Matcher m = Pattern.compile("(?:src|href)=\"\\./(assets/[^\"]+)\"").matcher(index.body());
            while (m.find()) {
                assets.add(m.group(1));
            }
            assertThat(assets).anyMatch(a -> a.endsWith(".js")).anyMatch(a -> a.endsWith(".css"));
            assertThat(index.body()).doesNotContain("http://", "https://");
            for (String asset : assets) {
                HttpResponse<String> a = get("/select/" + tenant + "/ui/" + asset);
                assertThat(a.statusCode()).as(asset).isEqualTo(200);
                assertThat(a.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith(asset.endsWith(".js") ? "text/javascript" : "text/css"));
                assertThat(a.headers().firstValue("Cache-Control")).hasValueSatisfying(
                        v -> assertThat(v).contains("immutable"));
            }
        }
    }

    @Test
    void aMalformedTenantIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> r = get("/select/abc/ui/");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid tenant 'abc'");
        assertThat(get("/select/-1/ui/api/targets").statusCode()).isEqualTo(400);
    }

    @Test
    void nothingOutsideTheUiFolderCanBeReachedThroughAssetNames() throws Exception {
        assertThat(get("/select/0/ui/assets/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/select/0/ui/assets/..%2Findex.html").statusCode()).isIn(400, 404);
        assertThat(get("/select/0/ui/assets/..%2F..%2Fapplication.yml").statusCode()).isIn(400, 404);
        assertThat(get("/select/0/ui/assets/%2e%2e").statusCode()).isIn(400, 404);
    }

    @Test
    void targetsOfEveryAgentAreMergedAndTaggedWithTheirAgentWhileAnUnreachableOneIsAWarning() throws Exception {
        HttpResponse<String> r = get("/select/0/ui/api/targets");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.path("status").asString()).isEqualTo("success");
        JsonNode targets = root.path("data").path("activeTargets");
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0).path("agent").asString()).isEqualTo(AGENT.url());
        assertThat(targets.get(1).path("health").asString()).isEqualTo("down");
        assertThat(targets.get(1).path("lastError").asString()).contains("connection refused");
        assertThat(targets.get(0).path("labels").path("job").asString()).isEqualTo("node");

        JsonNode agents = root.path("data").path("agents");
        assertThat(agents).hasSize(2);
        assertThat(agents.get(0).path("up").asBoolean()).isTrue();
        assertThat(agents.get(1).path("url").asString()).isEqualTo(DEAD_AGENT);
        assertThat(agents.get(1).path("up").asBoolean()).isFalse();
        assertThat(root.path("warnings")).hasSize(1);
        assertThat(root.path("warnings").get(0).asString()).startsWith("agent " + DEAD_AGENT + " ");
    }

    @Test
    void anAgentAnsweringAnErrorOrGarbageIsReportedAsSuch() throws Exception {
        try {
            AGENT.answer(503, "{\"status\":\"error\",\"error\":\"shutting down\"}");
            JsonNode root = JSON.readTree(get("/select/0/ui/api/targets").body());
            assertThat(root.path("data").path("activeTargets")).isEmpty();
            assertThat(root.path("data").path("agents").get(0).path("error").asString())
                .isEqualTo("answered HTTP 503");

            AGENT.answer(200, "<html>not an agent</html>");
            root = JSON.readTree(get("/select/0/ui/api/targets").body());
            assertThat(root.path("data").path("agents").get(0).path("up").asBoolean()).isFalse();
            assertThat(root.path("warnings")).hasSize(2);
        }
        finally {
            AGENT.answer(200, UiStubAgent.twoTargets(java.time.Instant.ofEpochMilli(NOW).toString()));
        }
    }
}
