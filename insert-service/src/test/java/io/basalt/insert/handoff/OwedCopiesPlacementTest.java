package io.basalt.insert.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.RendezvousRouter;
import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.insert.testing.StubStorageNode.Behaviour;
import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Three storage nodes, two copies, two nodes down: each series is acknowledged with its copy on the live node and
 * the other owed, so that after the handoff every series has its two copies; a series written while its
 * best-ranked node was known down is owed to that node, where placement will look for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwedCopiesPlacementTest {

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start(),
            StubStorageNode.start());

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) throws java.io.IOException {
        StubStorageNode.addAsStorageNodes(r, NODES);
        Path hints = Files.createTempDirectory("owed-hints");
        r.add("basalt.insert.hint-path", hints::toString);
        // Long enough that the second write sees both failed nodes still left out, i.e. known down.
        r.add("basalt.insert.storage-backoff", () -> "3s");
    }

    @LocalServerPort
    int port;

    @Test
    void withTwoOfThreeNodesDownOwedCopiesLandOnTheSeriesOwnOwners() throws Exception {
        InsertHttp http = new InsertHttp(port);
        NODES.get(0).behave(Behaviour.DOWN);
        NODES.get(1).behave(Behaviour.DOWN);
        List<TimeSeries> first = series("owed_first", 120);
        List<TimeSeries> second = series("owed_second", 120);

        HttpResponse<String> r1 = http.remoteWrite(first);
        HttpResponse<String> r2 = http.remoteWrite(second);

        assertThat(r1.statusCode()).as(r1.body()).isEqualTo(204);
        assertThat(r2.statusCode()).as("with both nodes known down: %s", r2.body()).isEqualTo(204);
        RendezvousRouter router = new RendezvousRouter(NODES.stream().map(StubStorageNode::url).toList());
        NODES.get(0).behave(Behaviour.STORE);
        NODES.get(1).behave(Behaviour.STORE);
        for (int i = 0; i < 600 && (http.metric("basalt_insert_hints_pending") > 0); i++) {
            Thread.sleep(50);
        }
        assertThat(http.metric("basalt_insert_hints_pending")).as("owed copies delivered within 30 s").isZero();

        List<TimeSeries> all = new ArrayList<>(first);
        all.addAll(second);
        for (TimeSeries s : all) {
            assertThat(holders(s)).as("copies of %s after the handoff", s.labels()).hasSizeGreaterThanOrEqualTo(2);
        }
        for (TimeSeries s : second) {
            int[] owners = new int[2];
            router.pick(SeriesHash.of(TenantId.DEFAULT, s.labels()), n -> true, owners);
            assertThat(holders(s)).as("%s, written while its best-ranked node was known down", s.labels())
                .contains(owners[0]);
        }
    }

    private static List<Integer> holders(TimeSeries s) {
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < NODES.size(); n++) {
            if (new HashSet<>(NODES.get(n).series()).contains(s)) {
                out.add(n);
            }
        }
        return out;
    }

    private static List<TimeSeries> series(String name, int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", name, "id", Integer.toString(i)), 1_700_000_000_000L, i));
        }
        return out;
    }
}
