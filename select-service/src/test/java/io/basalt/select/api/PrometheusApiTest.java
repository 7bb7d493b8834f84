package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.JsonNode;

/**
 * The Prometheus HTTP API of a select node over two stub storage nodes with replicationFactor 1: the shapes
 * Grafana and promtool read, GET and form POST, Prometheus' errors and status codes, and partial answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusApiTest {

    static final long T = 1_700_000_000_000L;

    static final String API = "/select/0/prometheus/api/v1";

    static final StubStorageNode NODE_1 = new StubStorageNode();

    static final StubStorageNode NODE_2 = new StubStorageNode();

    static {
        NODE_1.add(series("up", 1, "job", "api", "instance", "a"),
                series("node_load1", 0.5, "job", "api", "instance", "a"),
                new TimeSeries(Labels.of("__name__", "up", "job", "api", "instance", "c"),
                        new long[] { T - 60_000, T - 30_000 }, new double[] { 1, 1 }));
        NODE_2.add(series("up", 0, "job", "api", "instance", "b"),
                // a copy of instance c that has the last sample the first node missed
                new TimeSeries(Labels.of("__name__", "up", "job", "api", "instance", "c"),
                        new long[] { T - 30_000, T }, new double[] { 1, 1 }));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE_1::url);
        registry.add("spring.cloud.discovery.client.simple.instances.storage[1].uri", NODE_2::url);
        registry.add("basalt.select.replication-factor", () -> "1");
    }

    @AfterEach
    void healNodes() {
        NODE_1.reset();
        NODE_2.reset();
    }

    @AfterAll
    static void stopNodes() {
        NODE_1.close();
        NODE_2.close();
    }

    static TimeSeries series(String name, double value, String... labels) {
        List<String> all = new ArrayList<>(List.of("__name__", name));
        all.addAll(List.of(labels));
        return new TimeSeries(Labels.of(all.toArray(String[]::new)), new long[] { T - 60_000, T - 30_000, T },
                new double[] { value, value, value });
    }

    ApiTestSupport api() {
        return new ApiTestSupport(port);
    }

    static MultiValueMap<String, String> form(String... kv) {
        MultiValueMap<String, String> m = new LinkedMultiValueMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.add(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void instantQueryReturnsAVectorFromEveryNodeWithReplicasMerged() {
        var a = api().get(API + "/query?query=up&time=" + T / 1000);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("application/json");
        JsonNode json = a.json();
        assertThat(json.path("status").asString()).isEqualTo("success");
        assertThat(json.has("isPartial")).isFalse();
        assertThat(json.path("data").path("resultType").asString()).isEqualTo("vector");
        assertThat(json.path("data").path("result")).hasSize(3);
        assertThat(a.body()).contains("{\"metric\":{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"api\"},"
                + "\"value\":[1700000000,\"0\"]}");
    }

    @Test
    void grafanaHealthCheckIsAScalarAtFourSeconds() {
        var a = api().get(API + "/query?query=1%2B1&time=4");

        assertThat(a.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                + "\"result\":[4,\"2\"]}}");
    }

    @Test
    void queriesAcceptFormPostsAsGrafanaSendsThem() {
        var instant = api().postForm(API + "/query", form("query", "sum(up)", "time", Long.toString(T / 1000)));
        var range = api().postForm(API + "/query_range", form("query", "sum(up)", "start",
                Long.toString(T / 1000 - 60), "end", Long.toString(T / 1000), "step", "30"));

        assertThat(instant.json().path("data").path("result").get(0).path("value").get(1).asString()).isEqualTo("2");
        JsonNode values = range.json().path("data").path("result").get(0).path("values");
        assertThat(range.json().path("data").path("resultType").asString()).isEqualTo("matrix");
        assertThat(values).hasSize(3);
        assertThat(values.get(2).get(0).asLong()).isEqualTo(T / 1000);
        assertThat(values.get(2).get(1).asString()).isEqualTo("2");
    }

    @Test
    void rangeQueryParametersAreCheckedAsPrometheusChecksThem() {
        String base = API + "/query_range?query=up&start=" + T / 1000 + "&end=" + T / 1000;

        assertBadData(api().get(base + "&step=0"), "zero or negative query resolution step");
        assertBadData(api().get(base.replace("start=" + T / 1000, "start=" + (T / 1000 + 10)) + "&step=15"),
                "end timestamp must not be before start time");
        assertBadData(api().get(API + "/query_range?query=up&start=0&end=100000&step=1"),
                "exceeded maximum resolution of 11,000 points");
        assertBadData(api().get(API + "/query_range?query=up&start=0&end=10"), "\"step\"");
        assertBadData(api().get(API + "/query?time=1"), "\"query\"");
        assertBadData(api().get(API + "/query?query=up&time=yesterday"), "cannot parse \"yesterday\"");
    }

    @Test
    void syntaxErrorsAre400AndUnexecutableQueries422() {
        assertBadData(api().get(API + "/query?query=sum(up"), "");

        // Both series lose their name and end up with the same labels.
        var a = api().get(API + "/query?query=abs(%7Binstance%3D%22a%22%7D)&time=" + T / 1000);
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.json().path("errorType").asString()).isEqualTo("execution");
    }

    @Test
    void seriesNeedsMatchAndAnswersLabelSetsForGetAndPost() {
        assertBadData(api().get(API + "/series"), "no match[] parameter provided");

        var get = api().get(API + "/series?match%5B%5D=up&match%5B%5D=node_load1");
        var post = api().postForm(API + "/series", form("match[]", "up", "match[]", "node_load1"));

        assertThat(get.json().path("data")).hasSize(4);
        assertThat(get.json().path("data").get(0).toString())
            .isEqualTo("{\"__name__\":\"node_load1\",\"instance\":\"a\",\"job\":\"api\"}");
        assertThat(post.body()).isEqualTo(get.body());
    }

    @Test
    void limitTruncatesWithAWarning() {
        var a = api().get(API + "/series?match%5B%5D=up&limit=2");

        assertThat(a.json().path("data")).hasSize(2);
        assertThat(a.json().path("warnings").get(0).asString()).contains("truncated");
    }

    @Test
    void labelNamesAndValuesHonourMatch() {
        var names = api().postForm(API + "/labels", form("match[]", "node_load1"));
        var values = api().get(API + "/label/instance/values?match%5B%5D=up");
        var allNames = api().get(API + "/label/__name__/values");

        assertThat(names.body()).isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}");
        assertThat(values.json().path("data").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(allNames.json().path("data").toString()).isEqualTo("[\"node_load1\",\"up\"]");
    }

    @Test
    void labelValuesIsGetOnlyAndChecksTheName() {
        assertThat(api().postForm(API + "/label/job/values", form()).status()).isEqualTo(405);
        assertBadData(api().get(API + "/label/not-a-name/values"), "invalid label name");
    }

    @Test
    void exportWritesOneJsonLinePerSeriesWithRawSamples() {
        var a = api().get(API + "/export?match%5B%5D=%7Binstance%3D%22c%22%7D");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("application/stream+json");
        assertThat(a.body()).isEqualTo("{\"metric\":{\"__name__\":\"up\",\"instance\":\"c\",\"job\":\"api\"},"
                + "\"values\":[1,1,1],\"timestamps\":[1699999940000,1699999970000,1700000000000]}\n");
    }

    @Test
    void tsdbStatusMergesTheNodesCounts() {
        var a = api().get(API + "/status/tsdb?date=2023-11-14&topN=5");

        JsonNode data = a.json().path("data");
        // instance c is on both nodes: with RF=1 a rerouted copy is counted per node
        assertThat(data.path("headStats").path("numSeries").asLong()).isEqualTo(5);
        assertThat(data.path("seriesCountByMetricName").get(0).toString())
            .isEqualTo("{\"name\":\"up\",\"value\":4}");
        assertBadData(api().get(API + "/status/tsdb?topN=x"), "topN");
    }

    @Test
    void grafanaDiscoveryEndpointsAnswer() {
        var build = api().get(API + "/status/buildinfo").json();
        assertThat(build.path("data").path("version").asString()).isEqualTo("2.42.0");
        // A features map would make Grafana take the node for Mimir.
        assertThat(build.path("data").has("features")).isFalse();
        assertThat(api().get(API + "/metadata").body()).isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(api().get(API + "/query_exemplars?query=up").body())
            .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void aFailedNodeMakesTheAnswerPartialWithAWarning() {
        NODE_2.failing(true);

        JsonNode json = api().get(API + "/query?query=up&time=" + T / 1000).json();

        assertThat(json.path("status").asString()).isEqualTo("success");
        assertThat(json.path("isPartial").asBoolean()).isTrue();
        assertThat(json.path("warnings").get(0).asString()).contains(NODE_2.url()).contains("500");
        assertThat(json.path("data").path("result")).hasSize(2);
    }

    @Test
    void denyPartialResponsePerRequestTurnsAPartialAnswerInto503() {
        NODE_2.failing(true);

        var a = api().get(API + "/query?query=up&deny_partial_response=1&time=" + T / 1000);
        var series = api().get(API + "/series?match%5B%5D=up&deny_partial_response=true");

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json().path("errorType").asString()).isEqualTo("unavailable");
        assertThat(series.status()).isEqualTo(503);
    }

    @Test
    void noNodeAnsweringIs503() {
        NODE_1.failing(true);
        NODE_2.failing(true);

        var a = api().get(API + "/labels");

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json().path("error").asString()).contains("no storage node answered");
    }

    @Test
    void timeoutParameterCancelsTheQueryAndTellsStorageTheTimeLeft() {
        NODE_1.delay(5_000);

        var a = api().get(API + "/query?query=up&timeout=300ms&time=" + T / 1000);

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json().path("errorType").asString()).isEqualTo("timeout");
        assertThat(a.json().path("error").asString()).startsWith("query timed out in expression evaluation");
        assertThat(NODE_1.timeoutHeaders).isNotEmpty()
            .allSatisfy(ms -> assertThat(Long.parseLong(ms)).isBetween(1L, 300L));
    }

    @Test
    void metricsCountQueriesErrorsPartialAnswersAndNodeLatency() {
        api().get(API + "/query?query=up&time=" + T / 1000);
        api().get(API + "/query?query=sum(");
        NODE_2.failing(true);
        api().get(API + "/labels");

        String metrics = api().get("/actuator/prometheus").body();

        assertThat(metrics).contains("basalt_select_queries_total{endpoint=\"query\"")
            .contains("basalt_select_query_duration_seconds_bucket{endpoint=\"query\"")
            .contains("basalt_select_query_errors_total{")
            .contains("type=\"bad_data\"")
            .containsPattern("basalt_select_partial_responses_total\\{[^}]*} [1-9]")
            .contains("basalt_select_storage_request_duration_seconds_count{node=\"" + NODE_2.url() + "\"");
    }

    static final String DELETE = "/delete/%s/prometheus/api/v1/admin/tsdb/delete_series";

    @Test
    void deleteSeriesRemovesTheMatchingSeriesFromEveryNodeForThatTenantOnly() {
        TenantId tenant = new TenantId(9, 0);
        TenantId neighbour = new TenantId(10, 0);
        NODE_1.add(tenant, series("gone", 1, "instance", "a"), series("kept", 1, "instance", "a"),
                series("gone_too", 1, "instance", "a"));
        NODE_2.add(tenant, series("gone", 1, "instance", "b"), series("gone_too", 1, "instance", "b"));
        NODE_1.add(neighbour, series("gone", 1, "instance", "a"));

        var post = api().postForm(DELETE.formatted(9), form("match[]", "gone"));
        var both = api().postForm(DELETE.formatted(9), form("match[]", "gone_too", "match[]", "{__name__=\"absent\"}"));

        assertThat(post.status()).isEqualTo(204);
        assertThat(both.status()).isEqualTo(204);
        assertThat(names(tenant)).containsExactly("kept");
        assertThat(names(neighbour)).containsExactly("gone");
    }

    /** A GET can come from any page a browser loads (an image tag), with the browser's stored credentials. */
    @Test
    void deleteSeriesRefusesGetWith405NamingPostAndDeletesNothing() {
        TenantId tenant = new TenantId(12, 0);
        NODE_1.add(tenant, series("precious", 1, "instance", "a"));

        var get = api().get(DELETE.formatted(12) + "?match%5B%5D=precious");

        assertThat(get.status()).isEqualTo(405);
        assertThat(get.body()).isEqualTo("405 GET is not allowed on " + DELETE.formatted(12) + ": use POST (this "
                + "endpoint changes or deletes data, so it takes POST only, unlike VictoriaMetrics' GET examples)\n");
        assertThat(api().getHeaders(DELETE.formatted(12)).get("Allow")).containsExactly("POST");
        assertThat(names(tenant)).containsExactly("precious");
    }

    @Test
    void aDeleteThatOneNodeMissesIs503NamingItAndARetryFinishesIt() {
        TenantId tenant = new TenantId(11, 0);
        NODE_1.add(tenant, series("doomed", 1, "instance", "a"));
        NODE_2.add(tenant, series("doomed", 1, "instance", "b"));
        NODE_2.failing(true);

        var failed = api().postForm(DELETE.formatted(11), form("match[]", "doomed"));

        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.json().path("errorType").asString()).isEqualTo("unavailable");
        assertThat(failed.json().path("error").asString()).contains("did not complete on 1 of 2 storage nodes")
            .contains(NODE_2.url()).contains("500");
        NODE_2.failing(false);
        assertThat(names(tenant)).containsExactly("doomed"); // the failed node's copy still answers
        assertThat(api().postForm(DELETE.formatted(11), form("match[]", "doomed")).status()).isEqualTo(204);
        assertThat(names(tenant)).isEmpty();
    }

    @Test
    void deleteSeriesRefusesWhatItCannotDoAsAsked() {
        assertBadData(api().postForm(DELETE.formatted(9), form()), "missing `match[]` arg");
        assertBadData(api().postForm(DELETE.formatted(9), form("match[]", "up", "start", "0")),
                "`start` and `end` are not supported");
        assertBadData(api().postForm(DELETE.formatted(9), form("match[]", "up{")), "");
        assertBadData(api().postForm(DELETE.formatted("x"), form("match[]", "up")), "");
        assertThat(names(TenantId.DEFAULT)).contains("up");
    }

    private List<String> names(TenantId tenant) {
        JsonNode values = api().get("/select/" + tenant + "/prometheus/api/v1/label/__name__/values").json()
            .path("data");
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asString()));
        return out;
    }

    private static void assertBadData(ApiTestSupport.Answer a, String message) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.json().path("status").asString()).isEqualTo("error");
        assertThat(a.json().path("errorType").asString()).isEqualTo("bad_data");
        assertThat(a.json().path("error").asString()).contains(message);
    }
}
