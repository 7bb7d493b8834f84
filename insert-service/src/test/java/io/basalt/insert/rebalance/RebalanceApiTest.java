package io.basalt.insert.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.insert.testing.InsertHttp;
import io.basalt.insert.testing.StubStorageNode;
import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
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
 * The rebalancer of an insert node against stub storage nodes, over HTTP and the storage wire formats: a node added
 * to the list gets the series it now owns, and the nodes that no longer own a series drop it once it is copied.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RebalanceApiTest {

    private static final TenantId TENANT = new TenantId(5, 1);

    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 7_200_000;

    private static final List<StubStorageNode> NODES = List.of(StubStorageNode.start(), StubStorageNode.start(),
            StubStorageNode.start());

    private static Path listFile;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry r) throws IOException {
        StubStorageNode.addAsStorageNodes(r, NODES);
        listFile = Files.createTempDirectory("rebalance-nodes").resolve("storage-nodes.txt");
        Files.writeString(listFile, NODES.get(0).url() + "\n" + NODES.get(1).url() + "\n");
        r.add("basalt.insert.storage-nodes-file", listFile::toString);
        r.add("basalt.insert.storage-nodes-check-interval", () -> "50ms");
        r.add("basalt.insert.rebalance.enabled", () -> true);
        r.add("basalt.insert.rebalance.interval", () -> "100ms");
        r.add("basalt.insert.rebalance.settle", () -> "1m");
        r.add("basalt.insert.rebalance.prefix-bits", () -> 3);
    }

    @LocalServerPort
    int port;

    @Test
    void anAddedNodeGetsItsShareAndTheOthersDropWhatTheyNoLongerOwn() throws Exception {
        List<TimeSeries> all = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            all.add(new TimeSeries(Labels.of("__name__", "rebalance_api", "id", Integer.toString(s)),
                    new long[] { T0, T0 + 30_000 }, new double[] { s, s + 0.5 }));
        }
        NODES.get(0).store(TENANT, all);
        NODES.get(1).store(TENANT, all);
        List<String> urls = NODES.stream().map(StubStorageNode::url).toList();
        List<List<TimeSeries>> owned = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        RendezvousRouter router = new RendezvousRouter(urls);
        for (TimeSeries ts : all) {
            int[] owners = new int[2];
            router.pick(SeriesHash.of(TENANT, ts.labels()), n -> true, owners);
            owned.get(owners[0]).add(ts);
            owned.get(owners[1]).add(ts);
        }

        Files.writeString(listFile, String.join("\n", urls) + "\n");

        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!holdExactly(owned)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not rebalanced within 60 s: storage-3 holds "
                        + NODES.get(2).held(TENANT, 0, Long.MAX_VALUE).size() + " series of " + owned.get(2).size());
            }
            Thread.sleep(100);
        }
        assertThat(NODES.get(0).requests() + NODES.get(1).requests())
            .as("writes to the nodes that already held every sample of what they own").isZero();
        assertThat(new InsertHttp(port).metric("basalt_insert_rebalance_samples_copied_total"))
            .as("only storage-3's share is copied, once").isEqualTo(owned.get(2).size() * 2.0);
        assertThat(new InsertHttp(port).clientUriTags()).as("uri tags of the insert node's requests to storage")
            .contains("/internal/misplaced", "/internal/drop_moved",
                    "/internal/search?prefix={prefix}&prefixBits={prefixBits}")
            .allSatisfy(uri -> assertThat(uri).doesNotContainPattern("=[0-9]"))
            .hasSizeLessThanOrEqualTo(5);
    }

    private static boolean holdExactly(List<List<TimeSeries>> owned) {
        for (int n = 0; n < NODES.size(); n++) {
            List<TimeSeries> held = NODES.get(n).held(TENANT, 0, Long.MAX_VALUE);
            if (held.size() != owned.get(n).size() || !held.containsAll(owned.get(n))) {
                return false;
            }
        }
        return true;
    }
}
