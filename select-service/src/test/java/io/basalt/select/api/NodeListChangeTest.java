package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TimeSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Select re-reads its node-list file: a node added to the list is read from then on, a draining node is still read,
 * and a bad list is refused with the old one kept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NodeListChangeTest {

    static final List<StubStorageNode> NODES = List.of(new StubStorageNode(), new StubStorageNode());

    static Path listFile;

    static {
        NODES.get(0).add(PrometheusApiTest.series("up", 1, "instance", "old"));
        NODES.get(1).add(PrometheusApiTest.series("up", 1, "instance", "new"));
    }

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) throws Exception {
        listFile = Files.createTempDirectory("select-nodes").resolve("select.txt");
        write(NODES.get(0).url());
        registry.add("basalt.select.storage-nodes-file", listFile::toString);
        registry.add("basalt.select.storage-nodes-check-interval", () -> "50ms");
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        NODES.forEach(StubStorageNode::close);
    }

    @Test
    void addedAndDrainingNodesAreReadAndABadListIsRefused() throws Exception {
        assertThat(count()).isEqualTo("1");

        write(NODES.get(0).url(), NODES.get(1).url() + " draining");
        awaitCount("2");

        write("storage-1:8482");
        awaitStatus("is not an http(s) URL");
        assertThat(count()).as("the old list still in use").isEqualTo("2");
    }

    private String count() {
        JsonNode json = new ApiTestSupport(port)
            .get("/select/0/prometheus/api/v1/query?query=count(up)&time=" + PrometheusApiTest.T / 1000).json();
        return json.path("data").path("result").get(0).path("value").get(1).asString();
    }

    private void awaitCount(String expected) throws InterruptedException {
        for (int i = 0; i < 200 && !count().equals(expected); i++) {
            Thread.sleep(25);
        }
        assertThat(count()).as("count(up) within 5 s").isEqualTo(expected);
    }

    private void awaitStatus(String text) throws InterruptedException {
        ApiTestSupport api = new ApiTestSupport(port);
        for (int i = 0; i < 200 && !api.get("/api/v1/status").body().contains(text); i++) {
            Thread.sleep(25);
        }
        assertThat(api.get("/api/v1/status").body()).as("status within 5 s").contains(text);
    }

    private static void write(String... lines) throws Exception {
        Path tmp = listFile.resolveSibling("select.txt.tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n");
        Files.move(tmp, listFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
