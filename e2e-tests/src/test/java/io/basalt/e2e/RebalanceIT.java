package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The membership drill of docs/reliability.md on real processes, under steady remote-write load: storage-3 is added
 * (select learns the new node list first, then insert) and the rebalancer moves every series to its owners, after
 * which each node holds exactly the series it owns, within 10 % of an even share, with every acknowledged sample;
 * storage-3 is then drained and removed, losing nothing. Select's answers over the whole drill are exact at every
 * step. Each replica is read separately through storage's internal API, not only through select's merge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RebalanceIT {

    private static final int SERIES = 600;

    private static final TenantId TENANT = TenantId.DEFAULT;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The drill labels of the load, in order; the sender starts under "warmup". */
    private static final List<String> DRILLS = List.of("warmup", "two-nodes", "adding", "three-nodes", "draining",
            "two-again");

    private static final Duration REBALANCED_WITHIN = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private Path dir;

    private ServiceProcess storage1;

    private ServiceProcess storage2;

    private ServiceProcess storage3;

    private ServiceProcess insert;

    private ServiceProcess select;

    private RemoteWriteLoad load;

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        storage1 = track(startStorage("storage-1"));
        storage2 = track(startStorage("storage-2"));
        writeList("select-nodes.txt", storage1.baseUrl(), storage2.baseUrl());
        writeList("insert-nodes.txt", storage1.baseUrl(), storage2.baseUrl());
        insert = track(ServiceProcess.start("rebalance-insert", "insert-service", List.of(
                "--basalt.insert.storage-nodes-file=" + dir.resolve("insert-nodes.txt"),
                "--basalt.insert.storage-nodes-check-interval=200ms",
                "--basalt.insert.replication-factor=2",
                "--basalt.insert.hint-path=" + dir.resolve("hints"),
                "--basalt.insert.storage-backoff=1s",
                "--basalt.insert.rebalance.enabled=true",
                "--basalt.insert.rebalance.interval=1s",
                "--basalt.insert.rebalance.settle=3s",
                "--basalt.insert.rebalance.prefix-bits=2")));
        select = track(ServiceProcess.start("rebalance-select", "select-service", List.of(
                "--basalt.select.storage-nodes-file=" + dir.resolve("select-nodes.txt"),
                "--basalt.select.storage-nodes-check-interval=200ms",
                "--basalt.select.replication-factor=2")));
        for (ServiceProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(180));
        }
        load = new RemoteWriteLoad(List.of(insert.baseUrl() + "/insert/0/prometheus/api/v1/write"), SERIES,
                Duration.ofMillis(500));
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (load != null) {
            load.close();
        }
        for (ServiceProcess p : processes) {
            p.close();
        }
    }

    @Test
    void addingAndRemovingAStorageNodeMovesEverySeriesToItsOwnersAndLosesNothing() throws Exception {
        load.drill("two-nodes");
        pause(Duration.ofSeconds(6));
        assertExact("two nodes");

        // Add storage-3: select first (reads merge every node, so answers stay exact), then insert.
        load.drill("adding");
        storage3 = track(startStorage("storage-3"));
        storage3.awaitReady(Duration.ofSeconds(180));
        List<String> three = List.of(storage1.baseUrl(), storage2.baseUrl(), storage3.baseUrl());
        writeList("select-nodes.txt", three.toArray(String[]::new));
        awaitStatus(select, "select lists storage-3", s -> nodeList(s).contains(storage3.baseUrl()));
        assertExact("select knows storage-3");
        writeList("insert-nodes.txt", three.toArray(String[]::new));
        awaitStatus(insert, "insert lists storage-3", s -> nodeList(s).contains(storage3.baseUrl()));
        long switched = System.currentTimeMillis();
        load.drill("three-nodes");
        assertExact("insert knows storage-3");

        awaitRebalanced("after adding storage-3", three, switched);
        long addMillis = System.currentTimeMillis() - switched;
        assertExact("rebalanced over three nodes");
        Map<String, Integer> shares = assertEachNodeHoldsExactlyWhatItOwns(three, three);
        int expected = seriesWritten() * 2 / 3;
        shares.forEach((node, held) -> assertThat(Math.abs(held - expected))
            .as("series on %s (%d) against an even share of %d: %s", node, held, expected, shares)
            .isLessThanOrEqualTo(expected / 10));

        // Remove storage-3: mark it draining, let the rebalancer empty it, then drop it from insert, then select.
        load.drill("draining");
        writeList("insert-nodes.txt", storage1.baseUrl(), storage2.baseUrl(), storage3.baseUrl() + " draining");
        writeList("select-nodes.txt", storage1.baseUrl(), storage2.baseUrl(), storage3.baseUrl() + " draining");
        awaitStatus(insert, "insert drains storage-3", s -> s.path("data").path("storageNodes").path("draining")
            .toString().contains(storage3.baseUrl()));
        long drained = System.currentTimeMillis();
        load.drill("two-again");
        assertExact("storage-3 draining");
        List<String> two = List.of(storage1.baseUrl(), storage2.baseUrl());
        awaitRebalanced("after draining storage-3", two, drained);
        long drainMillis = System.currentTimeMillis() - drained;
        assertThat(held(storage3)).as("series left on the drained storage-3").isEmpty();
        assertExact("storage-3 drained");

        writeList("insert-nodes.txt", two.toArray(String[]::new));
        awaitStatus(insert, "insert forgets storage-3", s -> !nodeList(s).contains(storage3.baseUrl()));
        writeList("select-nodes.txt", two.toArray(String[]::new));
        awaitStatus(select, "select forgets storage-3", s -> !nodeList(s).contains(storage3.baseUrl()));
        storage3.close();
        assertExact("storage-3 removed");

        assertThat(load.drain(Duration.ofSeconds(60))).as("the sender's queue drains within 60 s").isTrue();
        assertExact("after the drill");
        assertEachNodeHoldsExactlyWhatItOwns(two, two);
        assertThat(load.statuses()).as("answers to the sender").containsOnlyKeys(204);
        System.out.printf("rebalance drill: %d series, %d samples acknowledged; shares after adding storage-3 %s "
                + "(even share %d); in place %.1f s after insert learned storage-3, storage-3 empty %.1f s after it "
                + "was marked draining (settle 3 s); rebalancer: %s%n", seriesWritten(), load.acknowledgedSamples(),
                shares, expected, addMillis / 1000.0, drainMillis / 1000.0,
                insert.status().path("data").path("rebalance"));
    }

    // ---------------------------------------------------------------------------------------------------- checks

    /**
     * Select answers every acknowledged sample of every series of the drill so far, and nothing that was not sent.
     * The acknowledged steps are taken before the export, so a step acknowledged meanwhile is not asked for.
     */
    private void assertExact(String when) throws Exception {
        Map<String, Set<Long>> acked = new HashMap<>();
        Map<String, Set<Long>> sent = new HashMap<>();
        for (String drill : DRILLS) {
            acked.put(drill, Set.copyOf(load.acknowledgedSteps(drill)));
        }
        List<JsonNode> lines = export(RemoteWriteLoad.METRIC);
        for (String drill : acked.keySet()) {
            sent.put(drill, Set.copyOf(load.sentSteps(drill)));
        }
        Map<String, Integer> seriesPerDrill = new HashMap<>();
        for (JsonNode line : lines) {
            String drill = line.path("metric").path("drill").asString();
            int series = Integer.parseInt(line.path("metric").path("series").asString());
            seriesPerDrill.merge(drill, 1, Integer::sum);
            Set<Long> times = new HashSet<>();
            line.path("timestamps").forEach(t -> times.add(t.asLong()));
            line.path("values").forEach(v -> assertThat(v.asDouble()).as("%s: value of series %d", when, series)
                .isEqualTo(series));
            assertThat(times).as("%s: drill %s series %d holds every acknowledged step", when, drill, series)
                .containsAll(acked.getOrDefault(drill, Set.of()));
            assertThat(sent.getOrDefault(drill, Set.of())).as("%s: drill %s series %d holds only sent steps", when,
                    drill, series).containsAll(times);
        }
        acked.forEach((drill, steps) -> {
            if (!steps.isEmpty()) {
                assertThat(seriesPerDrill.get(drill)).as("%s: series of drill %s", when, drill).isEqualTo(SERIES);
            }
        });
    }

    /**
     * Reads every node's copy through storage's internal API: each holds exactly the series it owns under
     * {@code placement} with two copies, and each copy every acknowledged step.
     *
     * @return series held per node
     */
    private Map<String, Integer> assertEachNodeHoldsExactlyWhatItOwns(List<String> listed, List<String> placement)
            throws Exception {
        Map<String, Set<Long>> acked = new HashMap<>();
        for (String drill : DRILLS) {
            acked.put(drill, Set.copyOf(load.acknowledgedSteps(drill)));
        }
        RendezvousRouter router = new RendezvousRouter(placement);
        Map<String, Integer> shares = new HashMap<>();
        for (String node : listed) {
            List<TimeSeries> held = held(node);
            int index = placement.indexOf(node);
            int owned = 0;
            for (TimeSeries ts : held) {
                boolean owns = router.isOwner(SeriesHash.of(TENANT, ts.labels()), index, 2);
                assertThat(owns).as("%s holds %s, which it does not own", node, ts.labels()).isTrue();
                Set<Long> times = new HashSet<>();
                for (int i = 0; i < ts.size(); i++) {
                    times.add(ts.timestamp(i));
                }
                assertThat(times).as("%s's copy of %s", node, ts.labels())
                    .containsAll(acked.getOrDefault(ts.labels().get("drill"), Set.of()));
                owned++;
            }
            shares.put(node, owned);
        }
        int total = seriesWritten();
        assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).as("copies over the nodes: %s", shares)
            .isEqualTo(total * 2);
        return shares;
    }

    private List<TimeSeries> held(ServiceProcess node) throws Exception {
        return held(node.baseUrl());
    }

    private List<TimeSeries> held(String nodeUrl) throws Exception {
        byte[] q = new SearchQuery(TENANT, 0, Long.MAX_VALUE,
                List.of(LabelMatcher.equal("__name__", RemoteWriteLoad.METRIC)), 0).encode();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/internal/search"))
            .header("Content-Type", SearchQuery.CONTENT_TYPE)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(q)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("search on %s", nodeUrl).isEqualTo(200);
        return RowsCodec.decode(r.body()).series();
    }

    private int seriesWritten() {
        int drills = 0;
        for (String drill : DRILLS) {
            drills += load.sentSteps(drill).isEmpty() ? 0 : 1;
        }
        return drills * SERIES;
    }

    /** Waits for a rebalance pass that started after {@code since} plus the settle time and found nothing to move. */
    private void awaitRebalanced(String when, List<String> placement, long since) throws Exception {
        long deadline = System.nanoTime() + REBALANCED_WITHIN.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = insert.status().path("data").path("rebalance").path("lastPass");
            if (!last.isMissingNode() && !last.isNull()
                    && java.time.Instant.parse(last.path("started").asString()).toEpochMilli() > since + 3_000
                    && last.path("placement").toString().equals(JSON.writeValueAsString(placement))
                    && allMoved(last)) {
                return;
            }
            pause(Duration.ofMillis(500));
            assertExact(when + ", rebalancing");
        }
        throw new AssertionError(when + ": no rebalance pass found every series in place within "
                + REBALANCED_WITHIN + "; last pass: " + last);
    }

    private static boolean allMoved(JsonNode pass) {
        for (JsonNode node : pass.path("nodes")) {
            if (!node.path("complete").asBoolean() || node.path("misplacedSeries").asLong() != 0) {
                return false;
            }
        }
        return pass.path("nodes").size() > 0;
    }

    // ---------------------------------------------------------------------------------------------------- plumbing

    private ServiceProcess startStorage(String name) throws Exception {
        return ServiceProcess.start("rebalance-" + name, "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve(name)));
    }

    private void writeList(String file, String... lines) throws Exception {
        NodeListFile.write(dir.resolve(file), List.of(lines));
    }

    private void awaitStatus(ServiceProcess p, String what, Predicate<JsonNode> done) throws Exception {
        p.awaitStatus(what, done, Duration.ofSeconds(20));
    }

    private static String nodeList(JsonNode status) {
        return status.path("data").path("storageNodes").path("nodes").toString();
    }

    private List<JsonNode> export(String selector) throws Exception {
        return new PrometheusApi(select.baseUrl() + "/select/0/prometheus").export(selector, Duration.ofHours(1));
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
