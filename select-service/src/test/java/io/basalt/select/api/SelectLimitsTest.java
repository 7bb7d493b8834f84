package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TenantId;
import io.basalt.node.admission.AdmissionGate;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The node's limits: query length, query duration, concurrency and series per request. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "basalt.select.max-query-len=64", "basalt.select.max-query-duration=2s", "basalt.select.max-concurrent-selects=1",
    "basalt.select.select-queue-duration=200ms", "basalt.select.max-series=3",
    "basalt.select.slow-query-threshold=500ms" })
@ExtendWith(OutputCaptureExtension.class)
class SelectLimitsTest {

    static final String API = "/select/7/prometheus/api/v1";

    static final StubStorageNode NODE = new StubStorageNode();

    static {
        for (int i = 0; i < 5; i++) {
            NODE.add(TenantId.parse("7"), PrometheusApiTest.series("up", 1, "instance", "h" + i));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    AdmissionGate selectGate;

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", NODE::url);
    }

    @AfterEach
    void heal() {
        NODE.reset();
    }

    @AfterAll
    static void stop() {
        NODE.close();
    }

    ApiTestSupport api() {
        return new ApiTestSupport(port);
    }

    @Test
    void aQueryLongerThanMaxQueryLenIs400() {
        String query = "up" + "+up".repeat(40);

        var a = api().get(API + "/query?query=" + query.replace("+", "%2B"));

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().path("errorType").asString()).isEqualTo("bad_data");
        assertThat(a.json().path("error").asString()).contains("max-query-len=64");
    }

    @Test
    void aQueryPastMaxQueryDurationIsCancelledWithPrometheusTimeoutError(CapturedOutput output) {
        NODE.delay(5_000);

        var a = api().get(API + "/query?query=up");

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json().path("errorType").asString()).isEqualTo("timeout");
        assertThat(NODE.timeoutHeaders).allSatisfy(ms -> assertThat(Long.parseLong(ms)).isBetween(1L, 2_000L));
        // the slot is given back at the deadline, not when the storage node finally answers
        assertThat(selectGate.running()).isZero();
        assertThat(output.getOut()).contains("slow query").contains("tenant=7:0").contains("query=up");
    }

    @Test
    void queriesBeyondTheConcurrencyLimitWaitThenGet503() {
        NODE.delay(1_200);

        CompletableFuture<ApiTestSupport.Answer> first = CompletableFuture.supplyAsync(
                () -> api().get(API + "/query?query=count(up%7Binstance%3D%22h0%22%7D)&time=" + PrometheusApiTest.T / 1000));
        // wait until the first query holds the only slot
        for (int i = 0; i < 100 && selectGate.running() == 0; i++) {
            sleep(20);
        }
        var second = api().get(API + "/labels");

        assertThat(second.status()).isEqualTo(503);
        assertThat(second.json().path("errorType").asString()).isEqualTo("unavailable");
        assertThat(second.json().path("error").asString()).contains("select queries");
        assertThat(first.join().status()).isEqualTo(200);
    }

    @Test
    void tooManySeriesFailWithAClearError() {
        var query = api().get(API + "/query?query=up&time=" + PrometheusApiTest.T / 1000);
        var series = api().get(API + "/series?match%5B%5D=up");

        assertThat(query.status()).as(query.body()).isEqualTo(422);
        assertThat(query.json().path("errorType").asString()).isEqualTo("execution");
        assertThat(series.status()).isEqualTo(422);
        assertThat(series.json().path("error").asString()).contains("more than 3 series");
    }

    @Test
    void labelValuesCutAtTheStorageLimitSayTheyMayBeIncomplete() {
        // five instances, but a node answers at most max-series + 1 = 4 values
        var values = api().get(API + "/label/instance/values");

        assertThat(values.status()).isEqualTo(200);
        assertThat(values.json().path("data")).hasSize(4);
        assertThat(values.json().path("warnings")).singleElement()
            .satisfies(w -> assertThat(w.asString()).contains("values of label instance may be incomplete")
                .contains("limit of 4").contains("basalt.select.max-series"));
        // not partial: every node answered, only the answer is cut
        assertThat(values.json().has("isPartial")).isFalse();
    }

    @Test
    void labelValuesUnderTheLimitCarryNoWarning() {
        var values = api().get(API + "/label/__name__/values");

        assertThat(values.json().path("data")).hasSize(1);
        assertThat(values.json().has("warnings")).isFalse();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
