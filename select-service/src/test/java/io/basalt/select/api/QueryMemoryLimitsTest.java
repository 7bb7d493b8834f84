package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a query may hold: maxSamplesPerQuery bounds decoded samples (counted as storage answers stream in), subquery
 * points and each step's intermediate vectors; maxSubqueryPoints (left at its default here) refuses a subquery with
 * too fine a resolution before any work. Both answer Prometheus' execution error, 422, naming the property and how to
 * narrow the query.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.select.max-samples-per-query=1000" })
class QueryMemoryLimitsTest {

    static final String API = "/select/0/prometheus/api/v1";

    static final long T = PrometheusApiTest.T;

    static final StubStorageNode NODE = new StubStorageNode();

    static final TenantId FLOODED = TenantId.parse("1");

    static final long FLOOD_BYTES = 128L << 20;

    /** Far below the flood; above what loopback socket buffers and a chunk in flight can hold. */
    static final long MOST_FLOOD_BYTES_READ = 24L << 20;

    /** A second storage node: tenant 1's answer is 128 MiB of 100-sample series, the others' empty. */
    static final FloodingStorageNode FLOOD = new FloodingStorageNode(FLOODED, FLOOD_BYTES, 100);

    static {
        // 20 series of 10 samples: 200 decoded samples, well inside the limit.
        for (int i = 0; i < 20; i++) {
            long[] ts = new long[10];
            double[] vs = new double[10];
            for (int k = 0; k < 10; k++) {
                ts[k] = T - (9 - k) * 15_000L;
                vs[k] = k;
            }
            NODE.add(TenantId.parse("0"), new TimeSeries(Labels.of("__name__", "x", "i", Integer.toString(i)), ts, vs));
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE::url);
        registry.add("spring.cloud.discovery.client.simple.instances.storage[1].uri", FLOOD::url);
    }

    @AfterAll
    static void stop() {
        NODE.close();
        FLOOD.close();
    }

    ApiTestSupport.Answer query(String promql) {
        return query(API, promql);
    }

    ApiTestSupport.Answer query(String api, String promql) {
        return new ApiTestSupport(port).get(api + "/query?time=" + T / 1000 + "&query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    @Test
    void aStorageAnswerOverTheSampleLimitIsRefusedWith422WhileItStreamsIn() throws InterruptedException {
        var a = query("/select/" + FLOODED + "/prometheus/api/v1", "count(flood)");

        assertThat(a.status()).as(a.body()).isEqualTo(422);
        assertThat(a.json().path("errorType").asString()).isEqualTo("execution");
        assertThat(a.json().path("error").asString())
            .contains("basalt.select.max-samples-per-query=1000")
            .contains("a shorter time range")
            .contains("fewer series");
        // select stopped reading (and so holding) the answer once it was over the limit.
        assertThat(FLOOD.bytesSentWhenDone(60)).as("bytes of the %d-byte answer select read", FLOOD_BYTES)
            .isLessThan(MOST_FLOOD_BYTES_READ);
    }

    @Test
    void anExportOverTheSampleLimitIsRefusedWith422Too() throws InterruptedException {
        var a = new ApiTestSupport(port).get("/select/" + FLOODED + "/prometheus/api/v1/export?match[]=flood");

        assertThat(a.status()).as(a.body()).isEqualTo(422);
        assertThat(a.body()).contains("basalt.select.max-samples-per-query=1000");
        assertThat(FLOOD.bytesSentWhenDone(60)).isLessThan(MOST_FLOOD_BYTES_READ);
    }

    @Test
    void aSubqueryFinerThanMaxSubqueryPointsIsRefusedWith422() {
        var a = query("count_over_time(vector(1)[1h:1ms])");

        assertThat(a.status()).as(a.body()).isEqualTo(422);
        assertThat(a.json().path("errorType").asString()).isEqualTo("execution");
        assertThat(a.json().path("error").asString()).contains("3600001 points per series")
            .contains("basalt.select.max-subquery-points=100000")
            .contains("a shorter subquery range or a bigger subquery resolution");
    }

    @Test
    void intermediateVectorsCountAgainstMaxSamplesPerQuery() {
        // 200 decoded samples, then at the step 2 x 20 selector outputs, 20 products and one sum: within 1,000.
        var fits = query("sum(x * x)");
        // The subquery keeps 61 steps of 20 elements, more than 1,000 samples although only 200 were read.
        var tooMany = query("sum_over_time(x[1m:1s])");

        assertThat(fits.status()).as(fits.body()).isEqualTo(200);
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(422);
        assertThat(tooMany.json().path("errorType").asString()).isEqualTo("execution");
        assertThat(tooMany.json().path("error").asString())
            .startsWith("query processing would load too many samples into memory in query execution")
            .contains("basalt.select.max-samples-per-query=1000")
            .contains("a shorter time range or range selector, a bigger step or subquery resolution");
    }
}
