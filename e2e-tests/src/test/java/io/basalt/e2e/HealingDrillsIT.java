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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The long self-healing drills of docs/reliability.md, run only by the {@code long-drills} profile
 * ({@code -Dbasalt.drills.long=true}): the short {@link RepairDrillIT} and {@link RebalanceIT} keep CI's time.
 * <ol>
 * <li>Repair under load: storage-2 is restored from an older copy of its data directory while remote write goes on;
 * hinted handoff and the periodic repairer bring it back, and each replica, read alone, then holds every acknowledged
 * sample.</li>
 * <li>Repair and rebalancing together: storage-2 loses its data directory and storage-3 is added before anything is
 * repaired; in the end every node holds exactly what it owns with every acknowledged sample, and select is exact at
 * every step.</li>
 * <li>Copy rate: 20,000 series over three closed hours, one node's data lost and repaired, then storage-3 added and
 * rebalanced; samples/s and MiB/s of both.</li>
 * </ol>
 * Figures go to the test output and to {@code target/healing-drills.md}.
 */
@EnabledIfSystemProperty(named = "basalt.drills.long", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealingDrillsIT {

    private static final TenantId TENANT = TenantId.DEFAULT;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration STARTUP = Duration.ofSeconds(180);

    /** How long after storage-2 is back every acknowledged sample must be on each replica again. */
    private static final Duration CONVERGE_WITHIN = Duration.ofMinutes(5);

    /** How soon insert and select follow a rewritten node list file. */
    private static final Duration LIST_CHANGE = Duration.ofSeconds(20);

    private static final int LOAD_SERIES = 200;

    private static final long HOUR = 3_600_000;

    private static final int LARGE_SERIES = 20_000;

    private static final int LARGE_HOURS = 3;

    private static final int LARGE_CHUNK = 1_000;

    private static final long LARGE_STEP = 60_000;

    /** Unthrottled pacing (1 GiB/s), so the copy-rate drill measures the copy itself, not the pace. */
    private static final String NO_PACE = Long.toString(1L << 30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private final ReplicaLedger ledger = new ReplicaLedger(TENANT, LOAD_SERIES);

    private RemoteWriteLoad load;

    private Path dir;

    @AfterEach
    void stop() throws Exception {
        if (load != null) {
            load.close();
            load = null;
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
    }

    // ------------------------------------------------------------------------------------------ 1. repair under load

    @Test
    @Order(1)
    void aNodeRestoredFromAnOlderCopyUnderLoadIsRefilledByHandoffAndTheRepairer(@TempDir Path tempDir)
            throws Exception {
        dir = tempDir;
        Path data2 = dir.resolve("storage-2");
        ServiceProcess storage1 = track(startStorage("heal-load-storage-1", dir.resolve("storage-1")));
        ServiceProcess storage2 = track(startStorage("heal-load-storage-2-a", data2));
        List<String> args = new ArrayList<>(ServiceProcess.discoveryArgs("storage", storage1, storage2));
        args.addAll(insertArgs());
        args.addAll(periodicRepairArgs());
        ServiceProcess insert = track(ServiceProcess.start("heal-load-insert", "insert-service", args));
        startLoad(insert);

        load.drill("before-copy");
        pause(Duration.ofSeconds(60));
        Path old = dir.resolve("storage-2-old");
        String snapshot = JSON.readTree(post(storage2.baseUrl() + "/snapshot/create", new byte[0]).body())
            .path("snapshot").asString();
        copy(data2.resolve("snapshots").resolve(snapshot), old);
        load.drill("after-copy");
        pause(Duration.ofSeconds(90));

        storage2.kill();
        load.drill("storage-2-down");
        deleteRecursively(data2);
        copy(old, data2);
        pause(Duration.ofSeconds(60));
        storage2 = track(startStorage("heal-load-storage-2-b", storage2.port(), data2));
        storage2.awaitReady(STARTUP);
        long back = System.currentTimeMillis();
        load.drill("storage-2-back");
        long copiedBefore = RepairPass.of(insert).path("samplesCopiedTotal").asLong();

        // Every sample acknowledged before the restart must come back: the lost span by repair, the outage by handoff.
        Map<String, Set<Long>> ackedBefore = ackedSteps(s -> s < back);
        List<String> two = List.of(storage1.baseUrl(), storage2.baseUrl());
        ReplicaLedger.Gap atRestart = ledger.compare(storage2.baseUrl(), drillSeries(storage2.baseUrl()), two, 2,
                ackedBefore, sentSteps());
        List<ReplicaLedger.Gap> gaps = List.of();
        long deadline = back + CONVERGE_WITHIN.toMillis();
        while (System.currentTimeMillis() < deadline) {
            gaps = gaps(two, two, ackedBefore);
            if (gaps.stream().allMatch(g -> g.missingSamples() == 0)) {
                break;
            }
            pause(Duration.ofSeconds(2));
        }
        long convergeMillis = System.currentTimeMillis() - back;
        assertThat(gaps).as("acknowledged samples of before the restart missing %d s after it (repair: %s)",
                convergeMillis / 1000, RepairPass.of(insert)).allMatch(g -> g.missingSamples() == 0);
        assertThat(atRestart.missingSamples()).as("the restored copy lacked the later writes").isPositive();

        assertThat(load.drain(Duration.ofSeconds(60))).as("the sender's queue drains within 60 s").isTrue();
        awaitNoHints(insert);
        gaps = gaps(two, two, ackedSteps(s -> true));
        assertThat(gaps).as("each replica holds every acknowledged sample and nothing unsent")
            .allMatch(ReplicaLedger.Gap::clean);
        assertThat(load.statuses()).as("answers to the sender").containsOnlyKeys(204);
        JsonNode repair = RepairPass.of(insert);
        report("Repair under load", """
                storage-2 restored from a copy taken 150 s before its kill -9, down 60 s; %d series, a step every \
                500 ms; repair block 1 min, settle 20 s, interval 10 s.
                storage-2 lacked %,d acknowledged samples at its restart (%d series missing); every replica held \
                every acknowledged sample of before the restart %.1f s after it; repair copied %,d samples; \
                handoff delivered %s; sender: %s (%,d samples acknowledged); repair: passes %d, blocks verified %d, \
                block failures %d.
                """.formatted(LOAD_SERIES, atRestart.missingSamples(), atRestart.missingSeries(),
                convergeMillis / 1000.0, repair.path("samplesCopiedTotal").asLong() - copiedBefore,
                handoffDelivered(insert), load.statuses(), load.acknowledgedSamples(),
                repair.path("passesTotal").asLong(), repair.path("blocksVerifiedTotal").asLong(),
                repair.path("blockFailuresTotal").asLong()));
    }

    // ---------------------------------------------------------------------- 2. repair and rebalancing together

    @Test
    @Order(2)
    void aNodeAddedWhileAnotherHasAGapEndsWithEveryNodeHoldingExactlyWhatItOwns(@TempDir Path tempDir)
            throws Exception {
        dir = tempDir;
        ServiceProcess storage1 = track(startStorage("heal-both-storage-1", dir.resolve("storage-1")));
        ServiceProcess storage2 = track(startStorage("heal-both-storage-2-a", dir.resolve("storage-2")));
        List<String> two = List.of(storage1.baseUrl(), storage2.baseUrl());
        NodeListFile.write(dir.resolve("insert-nodes.txt"), two);
        NodeListFile.write(dir.resolve("select-nodes.txt"), two);
        List<String> args = new ArrayList<>(listArgs("insert", "insert-nodes.txt"));
        args.addAll(insertArgs());
        args.addAll(periodicRepairArgs());
        args.addAll(rebalanceArgs());
        ServiceProcess insert = track(ServiceProcess.start("heal-both-insert", "insert-service", args));
        List<String> selectArgs = new ArrayList<>(listArgs("select", "select-nodes.txt"));
        selectArgs.add("--basalt.select.replication-factor=2");
        ServiceProcess select = track(ServiceProcess.start("heal-both-select", "select-service", selectArgs));
        startLoad(insert);

        load.drill("two-nodes");
        pause(Duration.ofSeconds(90));
        assertExact(select, "two nodes");

        // storage-3 is ready before the gap is made, so that it joins before a periodic pass can repair the gap.
        ServiceProcess storage3 = track(startStorage("heal-both-storage-3", dir.resolve("storage-3")));
        storage3.awaitReady(STARTUP);
        List<String> three = List.of(storage1.baseUrl(), storage2.baseUrl(), storage3.baseUrl());

        // storage-2 loses everything written so far: a gap only the repairer can fill.
        storage2.kill();
        deleteRecursively(dir.resolve("storage-2"));
        storage2 = track(startStorage("heal-both-storage-2-b", storage2.port(), dir.resolve("storage-2")));
        storage2.awaitReady(STARTUP);
        load.drill("gap");

        // storage-3 joins while storage-2 has the gap: select first, then insert.
        NodeListFile.write(dir.resolve("select-nodes.txt"), three);
        select.awaitStatus("select lists storage-3", s -> nodeList(s).contains(storage3.baseUrl()), LIST_CHANGE);
        NodeListFile.write(dir.resolve("insert-nodes.txt"), three);
        insert.awaitStatus("insert lists storage-3", s -> nodeList(s).contains(storage3.baseUrl()), LIST_CHANGE);
        long switched = System.currentTimeMillis();
        load.drill("three-nodes");
        long gapOnStorage2 = ledger.compare(storage2.baseUrl(), drillSeries(storage2.baseUrl()), two, 2,
                ackedSteps(s -> s < switched - 60_000), sentSteps()).missingSamples();
        assertThat(gapOnStorage2).as("storage-2 still lacks what it lost when storage-3 joins").isPositive();
        assertExact(select, "storage-2 emptied, storage-3 added");

        List<ReplicaLedger.Gap> gaps = List.of();
        long deadline = switched + CONVERGE_WITHIN.toMillis();
        boolean converged = false;
        while (!converged && System.currentTimeMillis() < deadline) {
            pause(Duration.ofSeconds(2));
            assertExact(select, "repairing and rebalancing");
            // Samples acknowledged in the last seconds may still be owed to a node the write raced with a move.
            long recent = System.currentTimeMillis() - 5_000;
            gaps = gaps(three, three, ackedSteps(s -> s < recent));
            converged = gaps.stream().allMatch(ReplicaLedger.Gap::clean);
        }
        long convergeMillis = System.currentTimeMillis() - switched;
        assertThat(converged).as("every node holds exactly what it owns, every acknowledged sample, %d s after "
                + "insert learned storage-3: %s; repair: %s; rebalance: %s", convergeMillis / 1000, gaps,
                RepairPass.of(insert), insert.status().path("data").path("rebalance")).isTrue();

        assertThat(load.drain(Duration.ofSeconds(60))).as("the sender's queue drains within 60 s").isTrue();
        awaitNoHints(insert);
        assertExact(select, "after the drill");
        gaps = gaps(three, three, ackedSteps(s -> true));
        assertThat(gaps).as("each node after the drill").allMatch(ReplicaLedger.Gap::clean);
        assertThat(load.statuses()).as("answers to the sender").containsOnlyKeys(204);
        JsonNode rebalance = insert.status().path("data").path("rebalance");
        report("Repair and rebalancing together", """
                storage-2's data directory deleted after 90 s of load, storage-3 added right after its restart \
                (storage-2 then still lacked %,d acknowledged samples older than a minute); %d series, a step every \
                500 ms.
                Every node held exactly the series it owns with every acknowledged sample %.1f s after insert \
                learned storage-3; select exact at every check; repair copied %,d samples; rebalancer moved %,d \
                series (%,d samples); sender: %s.
                """.formatted(gapOnStorage2, LOAD_SERIES, convergeMillis / 1000.0,
                RepairPass.of(insert).path("samplesCopiedTotal").asLong(),
                rebalance.path("seriesMovedTotal").asLong(), rebalance.path("samplesCopiedTotal").asLong(),
                load.statuses()));
    }

    // -------------------------------------------------------------------------------------------------- 3. copy rate

    @Test
    @Order(3)
    void copyRateOfRepairAndRebalancingOnALargerDataSet(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        long t0 = (System.currentTimeMillis() / HOUR - LARGE_HOURS - 1) * HOUR;
        ServiceProcess storage1 = track(startStorage("heal-rate-storage-1", dir.resolve("storage-1")));
        ServiceProcess storage2 = track(startStorage("heal-rate-storage-2-a", dir.resolve("storage-2")));
        NodeListFile.write(dir.resolve("insert-nodes.txt"), List.of(storage1.baseUrl(), storage2.baseUrl()));
        List<String> args = new ArrayList<>(listArgs("insert", "insert-nodes.txt"));
        args.addAll(insertArgs());
        args.add("--basalt.insert.repair.enabled=true");
        args.add("--basalt.insert.repair.initial-delay=1h"); // only the pass the drill starts
        args.add("--basalt.insert.repair.lookback=PT6H");
        args.add("--basalt.insert.repair.bytes-per-second=" + NO_PACE);
        args.addAll(rebalanceArgs());
        args.add("--basalt.insert.rebalance.bytes-per-second=" + NO_PACE);
        ServiceProcess insert = track(ServiceProcess.start("heal-rate-insert", "insert-service", args));
        awaitReady();
        StringBuilder figures = new StringBuilder();
        long samplesPerNode = (long) LARGE_SERIES * LARGE_HOURS * (HOUR / LARGE_STEP);

        long started = System.nanoTime();
        for (int chunk = 0; chunk < LARGE_SERIES / LARGE_CHUNK; chunk++) {
            importChunk(insert, chunk, t0);
        }
        double importSeconds = (System.nanoTime() - started) / 1e9;
        figures.append(String.format("%,d series x %d h, a sample a minute: %,d samples a node (x2 copies), "
                + "imported in %.1f s (%,.0f samples/s acknowledged); load average %s%n", LARGE_SERIES, LARGE_HOURS,
                samplesPerNode, importSeconds, samplesPerNode / importSeconds, loadAverage()));
        Map<String, TimeSeries> original = largeSeries(storage1.baseUrl(), t0);
        assertThat(original).as("storage-1 holds every imported series").hasSize(LARGE_SERIES);
        assertThat(largeSeries(storage2.baseUrl(), t0)).as("storage-2 holds the same").isEqualTo(original);

        // Repair: storage-2's data lost, one pass refills it.
        storage2.kill();
        deleteRecursively(dir.resolve("storage-2"));
        storage2 = track(startStorage("heal-rate-storage-2-b", storage2.port(), dir.resolve("storage-2")));
        storage2.awaitReady(STARTUP);
        String loadBefore = loadAverage();
        started = System.nanoTime();
        JsonNode repair = RepairPass.run(insert, Duration.ofMinutes(20));
        double repairSeconds = (System.nanoTime() - started) / 1e9;
        long copied = repair.path("samplesCopiedTotal").asLong();
        long read = repair.path("bytesReadTotal").asLong();
        assertThat(copied).as("repair copied every sample of the lost node").isEqualTo(samplesPerNode);
        Map<String, TimeSeries> refilled = largeSeries(storage2.baseUrl(), t0);
        assertThat(refilled).as("storage-2 refilled").isEqualTo(original);
        long rowsBytes = rowsBytes(refilled.values());
        figures.append(String.format("repair of the lost node (one pass over a 6 h lookback, %d hour blocks with "
                + "data): %.1f s, %,d samples copied = %,.0f samples/s; %.1f MiB read by the repairer (%.2f MiB/s), "
                + "%.1f MiB of rows written (%.2f MiB/s); load average %s before, %s after%n", LARGE_HOURS,
                repairSeconds, copied, copied / repairSeconds, mib(read), mib(read) / repairSeconds, mib(rowsBytes),
                mib(rowsBytes) / repairSeconds, loadBefore, loadAverage()));

        // Rebalancing: storage-3 added, a third of the copies move to it.
        ServiceProcess storage3 = track(startStorage("heal-rate-storage-3", dir.resolve("storage-3")));
        storage3.awaitReady(STARTUP);
        List<String> three = List.of(storage1.baseUrl(), storage2.baseUrl(), storage3.baseUrl());
        JsonNode before = insert.status().path("data").path("rebalance");
        loadBefore = loadAverage();
        NodeListFile.write(dir.resolve("insert-nodes.txt"), three);
        insert.awaitStatus("insert lists storage-3", s -> nodeList(s).contains(storage3.baseUrl()), LIST_CHANGE);
        long switched = System.currentTimeMillis();
        JsonNode pass = awaitRebalanced(insert, three, switched + 3_000, Duration.ofMinutes(20));
        double rebalanceSeconds = (System.currentTimeMillis() - switched) / 1000.0;
        JsonNode after = insert.status().path("data").path("rebalance");
        long moved = after.path("samplesCopiedTotal").asLong() - before.path("samplesCopiedTotal").asLong();
        long seriesMoved = after.path("seriesMovedTotal").asLong() - before.path("seriesMovedTotal").asLong();
        RendezvousRouter router = new RendezvousRouter(three);
        long movedBytes = 0;
        Map<String, Integer> shares = new LinkedHashMap<>();
        for (int n = 0; n < three.size(); n++) {
            Map<String, TimeSeries> held = largeSeries(three.get(n), t0);
            int node = n;
            held.forEach((id, ts) -> {
                assertThat(router.isOwner(SeriesHash.of(TENANT, ts.labels()), node, 2))
                    .as("%s holds %s, which it does not own", three.get(node), ts.labels()).isTrue();
                assertThat(ts).as("%s's copy of %s", three.get(node), ts.labels()).isEqualTo(original.get(id));
            });
            if (n == 2) {
                movedBytes = rowsBytes(held.values());
            }
            shares.put("storage-" + (n + 1), held.size());
        }
        assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).as("copies: %s", shares)
            .isEqualTo(2 * LARGE_SERIES);
        figures.append(String.format("rebalancing onto storage-3 (settle 3 s, pass interval 1 s): in place %.1f s "
                + "after insert learned it (last pass %s to %s); %,d series, %,d samples moved = %,.0f samples/s; "
                + "%.1f MiB of rows copied to storage-3 (%.2f MiB/s); series per node %s; load average %s before, %s "
                + "after%n", rebalanceSeconds, pass.path("started").asString(), pass.path("finished").asString(),
                seriesMoved, moved, moved / rebalanceSeconds, mib(movedBytes), mib(movedBytes) / rebalanceSeconds,
                shares, loadBefore, loadAverage()));
        report("Copy rate on a larger data set", figures.toString());
    }

    // ---------------------------------------------------------------------------------------------------- checks

    /** Once every process is ready: {@link #LOAD_SERIES} series, a step every 500 ms, through {@code insert}. */
    private void startLoad(ServiceProcess insert) throws InterruptedException {
        awaitReady();
        load = new RemoteWriteLoad(List.of(insert.baseUrl() + "/insert/0/prometheus/api/v1/write"), LOAD_SERIES,
                Duration.ofMillis(500));
    }

    private List<ReplicaLedger.Gap> gaps(List<String> nodes, List<String> placement,
            Map<String, Set<Long>> acked) throws Exception {
        List<ReplicaLedger.Gap> gaps = new ArrayList<>();
        for (String node : nodes) {
            List<TimeSeries> held = drillSeries(node);
            gaps.add(ledger.compare(node, held, placement, 2, acked, sentSteps()));
        }
        return gaps;
    }

    private Map<String, Set<Long>> ackedSteps(Predicate<Long> which) {
        Map<String, Set<Long>> out = new HashMap<>();
        for (String drill : drills()) {
            Set<Long> steps = new HashSet<>();
            for (long s : load.acknowledgedSteps(drill)) {
                if (which.test(s)) {
                    steps.add(s);
                }
            }
            out.put(drill, steps);
        }
        return out;
    }

    private Map<String, Set<Long>> sentSteps() {
        Map<String, Set<Long>> out = new HashMap<>();
        for (String drill : drills()) {
            out.put(drill, Set.copyOf(load.sentSteps(drill)));
        }
        return out;
    }

    private static List<String> drills() {
        return List.of("warmup", "before-copy", "after-copy", "storage-2-down", "storage-2-back", "two-nodes", "gap",
                "three-nodes");
    }

    /**
     * Select answers every acknowledged sample of every series so far, and nothing that was not sent. The
     * acknowledged steps are taken before the export, the sent ones after it.
     */
    private void assertExact(ServiceProcess select, String when) throws Exception {
        Map<String, Set<Long>> acked = ackedSteps(s -> true);
        List<JsonNode> lines = new PrometheusApi(select.baseUrl() + "/select/0/prometheus")
            .export(RemoteWriteLoad.METRIC, Duration.ofHours(1));
        Map<String, Set<Long>> sent = sentSteps();
        Map<String, Integer> seriesPerDrill = new HashMap<>();
        for (JsonNode line : lines) {
            String drill = line.path("metric").path("drill").asString();
            String series = line.path("metric").path("series").asString();
            seriesPerDrill.merge(drill, 1, Integer::sum);
            Set<Long> times = new HashSet<>();
            line.path("timestamps").forEach(t -> times.add(t.asLong()));
            assertThat(times).as("%s: select's drill %s series %s holds every acknowledged step", when, drill, series)
                .containsAll(acked.getOrDefault(drill, Set.of()));
            assertThat(sent.getOrDefault(drill, Set.of())).as("%s: select's drill %s series %s holds only sent steps",
                    when, drill, series).containsAll(times);
        }
        acked.forEach((drill, steps) -> {
            if (!steps.isEmpty()) {
                assertThat(seriesPerDrill.get(drill)).as("%s: series of drill %s", when, drill)
                    .isEqualTo(LOAD_SERIES);
            }
        });
    }

    private void awaitNoHints(ServiceProcess insert) throws Exception {
        insert.awaitStatus("no copy owed", s -> {
            for (JsonNode node : s.path("data").path("handoff").path("nodes")) {
                if (node.path("pendingBlocks").asLong() != 0) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(60));
    }

    private String handoffDelivered(ServiceProcess insert) throws Exception {
        List<Long> delivered = new ArrayList<>();
        for (JsonNode node : insert.status().path("data").path("handoff").path("nodes")) {
            delivered.add(node.path("deliveredTotal").asLong());
        }
        return delivered + " hinted blocks to storage-1, -2";
    }

    // ----------------------------------------------------------------------------------------------- the repairer

    private static List<String> periodicRepairArgs() {
        // Minute blocks that close 20 s after they end, so a pass repairs what the drill broke a minute earlier.
        return List.of("--basalt.insert.repair.enabled=true", "--basalt.insert.repair.initial-delay=10s",
                "--basalt.insert.repair.interval=10s", "--basalt.insert.repair.block=1m",
                "--basalt.insert.repair.settle-delay=20s", "--basalt.insert.repair.lookback=PT30M",
                "--basalt.insert.repair.bytes-per-second=67108864");
    }

    // --------------------------------------------------------------------------------------------- the rebalancer

    /** A misplaced series moves 3 s after its newest sample on the holder, and passes follow each other by 1 s. */
    private static List<String> rebalanceArgs() {
        return List.of("--basalt.insert.rebalance.enabled=true", "--basalt.insert.rebalance.interval=1s",
                "--basalt.insert.rebalance.settle=3s");
    }

    /** Waits for a pass over {@code placement} that started after {@code since} and found every series in place. */
    private JsonNode awaitRebalanced(ServiceProcess insert, List<String> placement, long since, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = insert.status().path("data").path("rebalance").path("lastPass");
            if (!last.isMissingNode() && !last.isNull()
                    && Instant.parse(last.path("started").asString()).toEpochMilli() > since
                    && last.path("placement").toString().equals(JSON.writeValueAsString(placement))
                    && allInPlace(last)) {
                return last;
            }
            pause(Duration.ofMillis(500));
        }
        throw new AssertionError("no rebalance pass found every series in place within " + timeout + "; last pass: "
                + last);
    }

    private static boolean allInPlace(JsonNode pass) {
        for (JsonNode node : pass.path("nodes")) {
            if (!node.path("complete").asBoolean() || node.path("misplacedSeries").asLong() != 0) {
                return false;
            }
        }
        return pass.path("nodes").size() > 0;
    }

    // ---------------------------------------------------------------------------------------------------- data

    /** {@link #LARGE_CHUNK} series of the copy-rate drill, a sample a minute over its closed hours. */
    private void importChunk(ServiceProcess insert, int chunk, long t0) throws Exception {
        int samples = (int) (LARGE_HOURS * HOUR / LARGE_STEP);
        StringBuilder timestamps = new StringBuilder("[");
        for (int i = 0; i < samples; i++) {
            timestamps.append(i == 0 ? "" : ",").append(t0 + i * LARGE_STEP);
        }
        timestamps.append(']');
        StringBuilder body = new StringBuilder();
        for (int s = chunk * LARGE_CHUNK; s < (chunk + 1) * LARGE_CHUNK; s++) {
            body.append("{\"metric\":{\"__name__\":\"heal_rate\",\"chunk\":\"").append(chunk).append("\",\"id\":\"")
                .append(s).append("\"},\"values\":[");
            for (int i = 0; i < samples; i++) {
                body.append(i == 0 ? "" : ",").append(s + i);
            }
            body.append("],\"timestamps\":").append(timestamps).append("}\n");
        }
        HttpResponse<String> r = post(insert.baseUrl() + "/insert/0/prometheus/api/v1/import",
                body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("import of chunk %d: %s", chunk, r.body()).isEqualTo(204);
    }

    /** The copy-rate drill's series one node holds, by id, read a chunk at a time so no answer grows large. */
    private Map<String, TimeSeries> largeSeries(String node, long t0) throws Exception {
        Map<String, TimeSeries> out = new HashMap<>();
        for (int chunk = 0; chunk < LARGE_SERIES / LARGE_CHUNK; chunk++) {
            for (TimeSeries ts : series(node, new SearchQuery(TENANT, t0 - HOUR, t0 + (LARGE_HOURS + 1) * HOUR,
                    List.of(LabelMatcher.equal("__name__", "heal_rate"),
                            LabelMatcher.equal("chunk", Integer.toString(chunk))), 0))) {
                out.put(ts.labels().get("id"), ts);
            }
        }
        return out;
    }

    private List<TimeSeries> drillSeries(String node) throws Exception {
        return series(node, new SearchQuery(TENANT, 0, Long.MAX_VALUE,
                List.of(LabelMatcher.equal("__name__", RemoteWriteLoad.METRIC)), 0));
    }

    /** What one node holds, read from it alone. */
    private List<TimeSeries> series(String node, SearchQuery q) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(node + "/internal/search"))
            .header("Content-Type", SearchQuery.CONTENT_TYPE)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(q.encode())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("search on %s", node).isEqualTo(200);
        return RowsCodec.decode(r.body()).series();
    }

    /** Size of series in the internal rows format, the bytes the repairer and rebalancer send. */
    private static long rowsBytes(java.util.Collection<TimeSeries> series) {
        return RowsCodec.encode(TENANT, List.copyOf(series)).length;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    // ---------------------------------------------------------------------------------------------------- plumbing

    private List<String> insertArgs() {
        return List.of("--basalt.insert.replication-factor=2", "--basalt.insert.storage-backoff=1s",
                "--basalt.insert.hint-path=" + dir.resolve("hints"));
    }

    private List<String> listArgs(String tier, String file) {
        return List.of("--basalt." + tier + ".storage-nodes-file=" + dir.resolve(file),
                "--basalt." + tier + ".storage-nodes-check-interval=200ms");
    }

    private ServiceProcess startStorage(String name, Path data) throws Exception {
        return startStorage(name, ServiceProcess.freePort(), data);
    }

    private ServiceProcess startStorage(String name, int port, Path data) throws Exception {
        return ServiceProcess.start(name, "storage-service", port, List.of("--basalt.storage.data-path=" + data));
    }

    private void awaitReady() throws InterruptedException {
        for (ServiceProcess p : processes) {
            p.awaitReady(STARTUP);
        }
    }

    private static String nodeList(JsonNode status) {
        return status.path("data").path("storageNodes").path("nodes").toString();
    }

    private HttpResponse<String> post(String url, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }

    private static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static void report(String drill, String figures) throws Exception {
        String text = "### " + drill + " (" + Instant.now() + ")\n\n" + figures + "\n";
        System.out.println(text);
        Path out = Path.of(System.getProperty("basalt.root", "..")).resolve("e2e-tests/target/healing-drills.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        run("cp", "-a", from + "/.", to.toString());
    }

    private static void deleteRecursively(Path path) throws Exception {
        run("rm", "-rf", path.toString());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(p.exitValue()).as("%s", List.of(command)).isZero();
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
