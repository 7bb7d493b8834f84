package io.basalt.insert.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The node-list file is re-read without a restart: a node marked draining gets no new copies while the others get
 * both copies of every series, and a change that would leave too few nodes is refused with the old list kept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NodeListChangeTest {

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start(),
            StubStorageNode.start());

    private static Path listFile;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) throws java.io.IOException {
        StubStorageNode.addAsStorageNodes(r, NODES.subList(0, 1));
        listFile = Files.createTempDirectory("node-list").resolve("storage-nodes.txt");
        Files.writeString(listFile, NODES.get(0).url() + "\n" + NODES.get(1).url() + "\n" + NODES.get(2).url() + "\n");
        r.add("basalt.insert.storage-nodes-file", listFile::toString);
        r.add("basalt.insert.storage-nodes-check-interval", () -> "50ms");
    }

    @LocalServerPort
    int port;

    @Test
    void aDrainingNodeGetsNoNewCopiesAndATooShortListIsRefused() throws Exception {
        InsertHttp http = new InsertHttp(port);
        // The three nodes again, should a rerun find the file as the last run left it.
        Files.writeString(listFile, NODES.get(0).url() + "\n" + NODES.get(1).url() + "\n" + NODES.get(2).url() + "\n");
        awaitStatus(http, "\"draining\":[]");
        NODES.forEach(StubStorageNode::reset);
        assertThat(http.remoteWrite(series("before", 300)).statusCode()).isEqualTo(204);
        assertThat(NODES).as("the file's three nodes all take copies").allSatisfy(n -> assertThat(n.samples())
            .isPositive());

        double reloads = http.metric("basalt_insert_storage_nodes_reloads_total");
        Files.writeString(listFile, "# storage-3 leaves\n" + NODES.get(0).url() + "\n" + NODES.get(1).url() + "\n"
                + NODES.get(2).url() + "   draining\n");
        awaitMetric(http, "basalt_insert_storage_nodes_reloads_total", reloads + 1);
        NODES.forEach(StubStorageNode::reset);
        HttpResponse<String> r = http.remoteWrite(series("after", 300));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(NODES.get(2).requests()).as("writes to the draining node").isZero();
        assertThat(NODES.get(0).samples()).isEqualTo(300);
        assertThat(NODES.get(1).samples()).isEqualTo(300);
        assertThat(http.get("/api/v1/status").body()).contains("\"draining\":[\"" + NODES.get(2).url() + "\"]");

        double refusals = http.metric("basalt_insert_storage_nodes_reload_errors_total");
        Files.writeString(listFile, NODES.get(0).url() + "\n" + NODES.get(1).url() + " draining\n");
        awaitMetric(http, "basalt_insert_storage_nodes_reload_errors_total", refusals + 1);
        String status = http.get("/api/v1/status").body();
        assertThat(status).contains("needs at least that many storage nodes");
        NODES.forEach(StubStorageNode::reset);
        r = http.remoteWrite(series("refused", 50));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(NODES.get(1).samples()).as("the old list still in use").isEqualTo(50);
        assertThat(NODES.get(2).requests()).as("writes to the draining node").isZero();
    }

    private static void awaitStatus(InsertHttp http, String fragment) throws Exception {
        String body = "";
        for (int i = 0; i < 200 && !(body = http.get("/api/v1/status").body()).contains(fragment); i++) {
            Thread.sleep(25);
        }
        assertThat(body).as("status within 5 s").contains(fragment);
    }

    private static void awaitMetric(InsertHttp http, String name, double atLeast) throws InterruptedException {
        for (int i = 0; i < 200 && http.metric(name) < atLeast; i++) {
            Thread.sleep(25);
        }
        assertThat(http.metric(name)).as("%s within 5 s", name).isGreaterThanOrEqualTo(atLeast);
    }

    private static List<TimeSeries> series(String name, int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", name, "i", Integer.toString(i)), 1_000L, i));
        }
        return out;
    }
}
