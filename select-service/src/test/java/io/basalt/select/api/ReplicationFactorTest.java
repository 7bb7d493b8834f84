package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TimeSeries;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * With replicationFactor 2 every series has copies on two of the three nodes: losing one node leaves a copy of
 * everything, so the answer is complete; losing two is partial.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplicationFactorTest {

    static final String API = "/select/0/prometheus/api/v1";

    static final List<StubStorageNode> NODES = List.of(new StubStorageNode(), new StubStorageNode(),
            new StubStorageNode());

    static {
        // series i lives on nodes i % 3 and (i + 1) % 3, as insert places RF=2 copies
        for (int i = 0; i < 6; i++) {
            TimeSeries s = PrometheusApiTest.series("up", i, "instance", "h" + i);
            NODES.get(i % 3).add(s);
            NODES.get((i + 1) % 3).add(s);
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) {
        for (int i = 0; i < NODES.size(); i++) {
            StubStorageNode node = NODES.get(i);
            registry.add("spring.cloud.discovery.client.simple.instances.storage[" + i + "].uri", node::url);
        }
        registry.add("basalt.select.replication-factor", () -> "2");
    }

    @AfterEach
    void heal() {
        NODES.forEach(StubStorageNode::reset);
    }

    @AfterAll
    static void stop() {
        NODES.forEach(StubStorageNode::close);
    }

    JsonNode sumAndCount() {
        return new ApiTestSupport(port)
            .get(API + "/query?query=count(up)&time=" + PrometheusApiTest.T / 1000).json();
    }

    @Test
    void oneNodeDownOfThreeWithTwoCopiesIsStillComplete() {
        NODES.get(1).failing(true);

        JsonNode json = sumAndCount();

        assertThat(json.has("isPartial")).isFalse();
        assertThat(json.has("warnings")).isFalse();
        assertThat(json.path("data").path("result").get(0).path("value").get(1).asString()).isEqualTo("6");
    }

    @Test
    void twoNodesDownIsPartial() {
        NODES.get(0).failing(true);
        NODES.get(2).failing(true);

        JsonNode json = sumAndCount();

        assertThat(json.path("isPartial").asBoolean()).isTrue();
        assertThat(json.path("warnings")).hasSize(2);
        // only the series whose both copies were on nodes 0 and 2 are gone
        assertThat(json.path("data").path("result").get(0).path("value").get(1).asString()).isEqualTo("4");
    }

    @Test
    void copiesAreCountedOnceInTsdbStatus() {
        JsonNode data = new ApiTestSupport(port).get(API + "/status/tsdb?date=2023-11-14").json().path("data");

        assertThat(data.path("headStats").path("numSeries").asLong()).isEqualTo(6);
    }

    @Test
    void tsdbStatusWithOneNodeDownIsPartialBecauseItsCountsAreDividedByTheReplicationFactor() {
        NODES.get(1).failing(true);

        JsonNode json = new ApiTestSupport(port).get(API + "/status/tsdb?date=2023-11-14").json();

        // nodes 0 and 2 hold 8 copies, counted as 4 series although all 6 still have a copy there
        assertThat(json.path("isPartial").asBoolean()).isTrue();
        assertThat(json.path("warnings").toString()).contains("did not answer").contains("undercounted");
    }
}
