package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Fault-injection drills over real processes: a counting scrape target → agent → insert ×2 → storage ×2
 * (replicationFactor 2, the second storage node behind a {@link LatencyProxy}) ← select, plus a remote-write sender
 * with a ledger ({@link RemoteWriteLoad}) writing to both inserts. Each drill breaks one thing under that steady load:
 * {@code kill -9} of every tier, a storage node down for a while, the insert tier down while the agent scrapes, a
 * storage disk that fills up, and a slow storage node. A querier asks select every second how many samples it holds.
 *
 * <p>What must hold: every sample acknowledged with a 2xx is queryable afterwards, every page the agent scraped
 * reaches storage while the agent lives, and no query answers partially or with less than was acknowledged while
 * replication covers the loss. The figures go to the test output and to {@code target/fault-drills.md}. Run with
 * {@code -Plong-drills} for outages of minutes instead of seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultDrillsIT {

    private static final boolean LONG = Boolean.getBoolean("basalt.drills.long");

    private static final Duration STORAGE_DOWN = LONG ? Duration.ofMinutes(5) : Duration.ofSeconds(20);

    private static final Duration INSERT_DOWN = LONG ? Duration.ofMinutes(10) : Duration.ofSeconds(20);

    private static final Duration DISK_FULL = LONG ? Duration.ofMinutes(2) : Duration.ofSeconds(8);

    private static final Duration SLOW = LONG ? Duration.ofMinutes(2) : Duration.ofSeconds(12);

    private static final Duration LATENCY = LONG ? Duration.ofSeconds(5) : Duration.ofSeconds(2);

    /** Steady load between the breaking and the repairing of a drill, so that each runs under traffic. */
    private static final Duration UNDER_LOAD = Duration.ofSeconds(1);

    private static final Duration STARTUP = Duration.ofSeconds(180);

    /** How soon after a storage node is back the copies it missed must all be delivered to it. */
    private static final Duration HANDOFF_WITHIN = LONG ? Duration.ofMinutes(5) : Duration.ofSeconds(60);

    /** Free space the disk-full drill's storage node keeps before it turns read-only. */
    private static final long MIN_FREE_BYTES = 64L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ServiceProcess> processes = new ArrayList<>();

    private final Map<String, DrillStats> drills = new LinkedHashMap<>();

    private final ScheduledExecutorService querier = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drill-querier");
        t.setDaemon(true);
        return t;
    });

    private Path dir;

    private Path tmpfs;

    private int restarts;

    private ServiceProcess storage1;

    private ServiceProcess storage2;

    private ServiceProcess insert1;

    private ServiceProcess insert2;

    private ServiceProcess select;

    private ServiceProcess agent;

    private LatencyProxy slowStorage;

    private CountingTarget target;

    private RemoteWriteLoad load;

    private volatile DrillStats current = new DrillStats("warmup", false);

    /** What one drill saw; the querier writes while the drill runs. */
    private static final class DrillStats {

        final String name;

        final AtomicLong queries = new AtomicLong();

        final AtomicLong partial = new AtomicLong();

        final AtomicLong incomplete = new AtomicLong();

        final AtomicLong failed = new AtomicLong();

        final List<String> notes = new ArrayList<>();

        /** A storage node fault: the other copy covers it, so neither writes nor queries may fail. */
        final boolean storageFault;

        /** Requests the sender saw answered with anything but 2xx (or not answered) while the drill ran. */
        long refusedWrites;

        long millis;

        DrillStats(String name, boolean storageFault) {
            this.name = name;
            this.storageFault = storageFault;
        }
    }

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        tmpfs = mountTmpfs(dir.resolve("storage-2-tmpfs"));
        target = CountingTarget.start();
        storage1 = track(startStorage1(ServiceProcess.freePort()));
        storage2 = track(startStorage2(ServiceProcess.freePort(), List.of()));
        slowStorage = LatencyProxy.start(storage2.port());
        insert1 = track(startInsert("drill-insert-1", ServiceProcess.freePort()));
        insert2 = track(startInsert("drill-insert-2", ServiceProcess.freePort()));
        select = track(startSelect(ServiceProcess.freePort()));
        agent = track(startAgent());
        for (ServiceProcess p : processes) {
            p.awaitReady(STARTUP);
        }
        load = new RemoteWriteLoad(List.of(insert1.baseUrl() + "/insert/0/prometheus/api/v1/write",
                insert2.baseUrl() + "/insert/0/prometheus/api/v1/write"), 20, Duration.ofMillis(200));
        querier.scheduleWithFixedDelay(this::probe, 1, 1, TimeUnit.SECONDS);
    }

    @AfterAll
    void stopCluster() throws Exception {
        querier.shutdownNow();
        if (load != null) {
            load.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        if (slowStorage != null) {
            slowStorage.close();
        }
        if (target != null) {
            target.close();
        }
        if (tmpfs != null) {
            run(List.of("umount", tmpfs.toString()));
        }
    }

    @Test
    void noAcknowledgedSampleIsLostAndNoAnswerIsPartialWhileReplicationCoversTheLoss() throws Exception {
        awaitWarm();
        AtomicLong lastPageOfKilledAgent = new AtomicLong();
        drill("kill-9 agent", false, () -> {
            agent.kill();
            lastPageOfKilledAgent.set(target.lastSequence());
            agent = replace(agent, startAgent());
            agent.awaitReady(STARTUP);
        });
        drill("kill-9 insert", false, () -> {
            insert1.kill();
            under(UNDER_LOAD);
            insert1 = replace(insert1, startInsert("drill-insert-1", insert1.port()));
            insert1.awaitReady(STARTUP);
        });
        drill("kill-9 select", false, () -> {
            select.kill();
            under(UNDER_LOAD);
            select = replace(select, startSelect(select.port()));
            select.awaitReady(STARTUP);
        });
        drill("kill-9 storage, down " + seconds(STORAGE_DOWN), true, () -> {
            storage1.kill();
            under(STORAGE_DOWN);
            storage1 = replace(storage1, startStorage1(storage1.port()));
            storage1.awaitReady(STARTUP);
            awaitHandoff();
            // Every sample acknowledged so far, of every drill, must now be on each replica by itself.
            for (ServiceProcess node : List.of(storage1, storage2)) {
                Map<String, Long> gaps = replicaGaps(node);
                current.notes.add(node.name() + " after handoff: missing " + gaps);
                assertThat(gaps.values())
                    .as("%s misses acknowledged samples after the handoff (%s)", node.name(), current.notes)
                    .allMatch(missing -> missing == 0);
            }
        });
        drill("insert tier down " + seconds(INSERT_DOWN), false, () -> {
            insert1.kill();
            insert2.kill();
            under(INSERT_DOWN);
            insert1 = replace(insert1, startInsert("drill-insert-1", insert1.port()));
            insert2 = replace(insert2, startInsert("drill-insert-2", insert2.port()));
            insert1.awaitReady(STARTUP);
            insert2.awaitReady(STARTUP);
        });
        drill(tmpfs != null ? "disk full (tmpfs)" : "disk full (threshold)", true, this::fillStorageDisk);
        drill("slow storage +" + seconds(LATENCY), true, () -> {
            long before = load.acknowledgedSamples();
            slowStorage.latency(LATENCY);
            under(SLOW);
            slowStorage.latency(Duration.ZERO);
            current.notes.add("acknowledged while slow: " + (load.acknowledgedSamples() - before));
            assertThat(load.acknowledgedSamples()).as("writes go on while a storage node is slow").isGreaterThan(before);
        });
        current = new DrillStats("settle", false);
        assertThat(load.drain(Duration.ofSeconds(90))).as("the sender's backlog drains once all is repaired").isTrue();
        awaitScrapesStored();
        awaitHandoff();
        Map<String, Map<String, Long>> replicaGaps = new LinkedHashMap<>();
        for (ServiceProcess node : List.of(storage1, storage2)) {
            replicaGaps.put(node.name(), replicaGaps(node));
        }

        SoftAssertions soft = new SoftAssertions();
        StringBuilder table = new StringBuilder("""
                | drill | seconds | remote write: sent | acked | queryable | lost | agent scrapes: served | stored \
                | lost | queries | partial | incomplete | failed | writes refused | missing on storage-1, -2 |
                | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
                """);
        for (DrillStats d : drills.values()) {
            Set<Long> sentSteps = load.sentSteps(d.name);
            Set<Long> ackedSteps = load.acknowledgedSteps(d.name);
            Map<String, Set<Long>> stored = storedSamples(d.name);
            long queryable = 0;
            long lost = 0;
            for (Set<Long> timestamps : stored.values()) {
                queryable += timestamps.size();
            }
            for (int i = 0; i < load.series(); i++) {
                Set<Long> got = stored.getOrDefault(Integer.toString(i), Set.of());
                for (long ts : ackedSteps) {
                    if (!got.contains(ts)) {
                        lost++;
                    }
                }
            }
            Set<Long> served = target.served(d.name);
            Set<Long> scraped = storedPages(d.name);
            Set<Long> scrapesLost = new HashSet<>(served);
            scrapesLost.removeAll(scraped);
            List<Long> missingPerReplica = replicaGaps.values().stream()
                .map(gaps -> gaps.getOrDefault(d.name, (long) ackedSteps.size() * load.series()))
                .toList();
            table.append("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |%n".formatted(
                    d.name, Math.round(d.millis / 1000.0), (long) sentSteps.size() * load.series(),
                    (long) ackedSteps.size() * load.series(), queryable, lost, served.size(),
                    served.size() - scrapesLost.size(), scrapesLost.size(), d.queries.get(), d.partial.get(),
                    d.incomplete.get(), d.failed.get(), d.refusedWrites, missingPerReplica));

            soft.assertThat(missingPerReplica).as("%s: acknowledged samples missing on a replica (each checked "
                    + "through its own /internal/search)", d.name).allMatch(missing -> missing == 0);
            if (!d.name.equals("kill-9 select")) {
                soft.assertThat(d.failed.get()).as("%s: failed queries while select was up", d.name).isZero();
            }
            if (d.storageFault) {
                soft.assertThat(d.refusedWrites).as("%s: writes not acknowledged while the other copy could take "
                        + "them", d.name).isZero();
            }

            soft.assertThat(ackedSteps).as("%s: the sender was acknowledged", d.name).isNotEmpty();
            soft.assertThat(lost).as("%s: acknowledged samples lost", d.name).isZero();
            soft.assertThat(d.partial.get()).as("%s: partial answers with at most one node missing", d.name).isZero();
            soft.assertThat(d.incomplete.get()).as("%s: answers with fewer samples than acknowledged (%s)",
                    d.name, d.notes).isZero();
            if (d.name.equals("kill-9 agent")) {
                // Pages in the agent's memory batch die with it; nothing scraped after it is back may be missing.
                soft.assertThat(scrapesLost).as("%s: pages scraped after the restart that are missing", d.name)
                    .allMatch(seq -> seq <= lastPageOfKilledAgent.get());
            }
            else {
                soft.assertThat(scrapesLost).as("%s: scraped pages that never reached storage", d.name).isEmpty();
            }
        }
        String report = "### Fault drills (" + (LONG ? "long" : "CI") + " variant)\n\n" + table
                + "\nSender statuses (status: requests; -1 = no answer): " + load.statuses() + "\n"
                + notes();
        System.out.println(report);
        Path out = Path.of(System.getProperty("basalt.root", "..")).resolve("e2e-tests/target/fault-drills.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);

        soft.assertThat(load.statuses().keySet()).as("the sender never got a 4xx (it would drop the samples)")
            .noneMatch(s -> s / 100 == 4);
        soft.assertAll();
    }

    /** Either a real file system that fills up (tmpfs, root only) or a threshold above the real free space. */
    private void fillStorageDisk() throws Exception {
        long hintedBefore = hintedRows();
        if (tmpfs != null) {
            Path ballast = tmpfs.resolve("ballast");
            long fill = Files.getFileStore(tmpfs).getUsableSpace() - MIN_FREE_BYTES / 2;
            writeZeros(ballast, fill);
            awaitReadOnly(true);
            under(DISK_FULL);
            Files.delete(ballast);
            awaitReadOnly(false);
        }
        else {
            storage2.close();
            storage2 = replace(storage2, startStorage2(storage2.port(),
                    List.of("--basalt.storage.min-free-disk-space-bytes=" + Long.MAX_VALUE / 4)));
            storage2.awaitReady(STARTUP);
            awaitReadOnly(true);
            under(DISK_FULL);
            storage2.close(); // the operator frees space; the threshold stands for it, so a restart lowers it
            storage2 = replace(storage2, startStorage2(storage2.port(), List.of()));
            storage2.awaitReady(STARTUP);
        }
        under(UNDER_LOAD);
        long hinted = hintedRows() - hintedBefore;
        current.notes.add("copies owed to the full node: " + hinted);
        assertThat(hinted).as("the full node refuses writes, and insert owes it the copies instead").isPositive();
        awaitHandoff();
    }

    /** Series copies the insert nodes recorded as owed, since they started. */
    private long hintedRows() throws Exception {
        long sum = 0;
        for (ServiceProcess insert : List.of(insert1, insert2)) {
            sum += status(insert).path("hintedRowsTotal").asLong();
        }
        return sum;
    }

    private JsonNode status(ServiceProcess node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/status"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status of %s: %s", node.name(), r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("data");
    }

    /**
     * Waits until no insert node owes a copy to any storage node, failing after {@link #HANDOFF_WITHIN}; notes how
     * long the delivery took.
     */
    private void awaitHandoff() throws Exception {
        long start = System.nanoTime();
        long deadline = start + HANDOFF_WITHIN.toNanos();
        String owed = "";
        while (System.nanoTime() < deadline) {
            owed = "";
            for (ServiceProcess insert : List.of(insert1, insert2)) {
                JsonNode handoff = status(insert).path("handoff");
                assertThat(handoff.path("enabled").asBoolean()).as("hinted handoff on %s", insert.name()).isTrue();
                for (var node : handoff.path("nodes").properties()) {
                    long pending = node.getValue().path("pendingBlocks").asLong();
                    if (pending > 0) {
                        owed += insert.name() + " owes " + node.getKey() + " " + pending + " blocks; ";
                    }
                }
            }
            if (owed.isEmpty()) {
                current.notes.add("owed copies delivered in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / 1000.0 + " s");
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("owed copies not delivered within " + HANDOFF_WITHIN + ": " + owed);
    }

    /**
     * Acknowledged samples of the sender that one storage node lacks, by drill, read from that node's own
     * {@code /internal/search} (not select's merge of both). With two nodes and replicationFactor 2 every node owns
     * every series. The load goes on meanwhile, and a sample acknowledged with a copy owed (the node was backed off
     * for a moment) is on the node only once that copy is delivered: so the owed copies are awaited after the
     * acknowledged samples are taken and before the node is read.
     */
    private Map<String, Long> replicaGaps(ServiceProcess node) throws Exception {
        Map<String, Set<Long>> acknowledged = new LinkedHashMap<>();
        // Copies: the ledger grows while the load goes on, and a step acknowledged after the read is not owed yet.
        acknowledged.put("warmup", Set.copyOf(load.acknowledgedSteps("warmup")));
        for (String drill : drills.keySet()) {
            acknowledged.put(drill, Set.copyOf(load.acknowledgedSteps(drill)));
        }
        awaitHandoff();
        long now = System.currentTimeMillis();
        SearchQuery query = new SearchQuery(TenantId.DEFAULT, now - 7_200_000, now + 60_000,
                List.of(LabelMatcher.equal("__name__", RemoteWriteLoad.METRIC)), 0);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/internal/search"))
            .header("Content-Type", SearchQuery.CONTENT_TYPE).timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(query.encode())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("/internal/search on %s", node.name()).isEqualTo(200);
        Map<String, Map<String, Set<Long>>> stored = new HashMap<>();
        for (TimeSeries ts : RowsCodec.decode(r.body()).series()) {
            Set<Long> timestamps = stored.computeIfAbsent(ts.labels().get("drill"), k -> new HashMap<>())
                .computeIfAbsent(ts.labels().get("series"), k -> new HashSet<>());
            for (int i = 0; i < ts.size(); i++) {
                timestamps.add(ts.timestamp(i));
            }
        }
        Map<String, Long> missing = new LinkedHashMap<>();
        acknowledged.forEach((drill, steps) -> {
            Map<String, Set<Long>> bySeries = stored.getOrDefault(drill, Map.of());
            long gaps = 0;
            java.util.TreeSet<Long> missingSteps = new java.util.TreeSet<>();
            for (int i = 0; i < load.series(); i++) {
                Set<Long> got = bySeries.getOrDefault(Integer.toString(i), Set.of());
                for (long ts : steps) {
                    if (!got.contains(ts)) {
                        gaps++;
                        missingSteps.add(ts);
                    }
                }
            }
            missing.put(drill, gaps);
            if (gaps > 0) {
                // Where the gap lies (against the drill's first and last acknowledged step) tells a lost owed copy
                // from an edge of the outage.
                current.notes.add(node.name() + ": drill " + drill + " misses " + gaps + " samples at steps "
                        + missingSteps.first() + ".." + missingSteps.last() + " of acknowledged "
                        + java.util.Collections.min(steps) + ".." + java.util.Collections.max(steps));
            }
        });
        return missing;
    }

    private void awaitReadOnly(boolean readOnly) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(storage2.baseUrl()
                    + "/api/v1/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.body().contains("\"readOnly\":" + readOnly)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("storage-2 did not become " + (readOnly ? "read-only" : "writable") + " in 30 s");
    }

    private interface DrillAction {
        void run() throws Exception;
    }

    private void drill(String name, boolean storageFault, DrillAction action) throws Exception {
        DrillStats stats = new DrillStats(name, storageFault);
        long refusedBefore = refusedWrites();
        drills.put(name, stats);
        load.drill(name);
        target.drill(name);
        current = stats;
        long start = System.nanoTime();
        under(UNDER_LOAD);
        action.run();
        under(UNDER_LOAD);
        stats.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        stats.refusedWrites = refusedWrites() - refusedBefore;
        System.out.printf("drill %s done in %d s, sender statuses so far %s%n", name, stats.millis / 1000,
                load.statuses());
    }

    /**
     * One check of select, as a dashboard would make it: the samples acknowledged before the query was sent must all
     * be counted, and the answer must not be partial.
     */
    private void probe() {
        DrillStats stats = current;
        long acknowledged = load.acknowledgedSamples();
        stats.queries.incrementAndGet();
        try {
            String query = URLEncoder.encode("sum(count_over_time(" + RemoteWriteLoad.METRIC + "[2h]))",
                    StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(select.baseUrl()
                    + "/select/0/prometheus/api/v1/query?query=" + query)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
                stats.failed.incrementAndGet();
                return;
            }
            if (body.path("isPartial").asBoolean(false)) {
                stats.partial.incrementAndGet();
            }
            JsonNode result = body.path("data").path("result");
            long counted = result.isEmpty() ? 0 : Math.round(result.get(0).path("value").get(1).asDouble());
            if (counted < acknowledged) {
                stats.incomplete.incrementAndGet();
                synchronized (stats.notes) {
                    stats.notes.add("counted " + counted + " < acknowledged " + acknowledged);
                }
            }
        }
        catch (IOException | RuntimeException e) {
            stats.failed.incrementAndGet(); // select is down or restarting
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long refusedWrites() {
        long refused = 0;
        for (var e : load.statuses().entrySet()) {
            refused += e.getKey() / 100 == 2 ? 0 : e.getValue();
        }
        return refused;
    }

    private void awaitWarm() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (load.acknowledgedSamples() > 0 && !storedPages("warmup").isEmpty()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no write acknowledged or no scrape stored within 90 s; statuses "
                + load.statuses());
    }

    /** Waits until the last page the target served is queryable: the agent's queue has drained. */
    private void awaitScrapesStored() throws Exception {
        String last = new ArrayList<>(drills.keySet()).get(drills.size() - 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        target.drill("settle");
        while (System.nanoTime() < deadline) {
            if (storedPages(last).containsAll(target.served(last))) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** The sender's stored samples of one drill by series label, from select's export (JSON lines). */
    private Map<String, Set<Long>> storedSamples(String drillName) throws Exception {
        Map<String, Set<Long>> out = new HashMap<>();
        for (JsonNode line : export(RemoteWriteLoad.METRIC + "{drill=\"" + drillName + "\"}")) {
            Set<Long> timestamps = out.computeIfAbsent(line.path("metric").path("series").asString(),
                    k -> new HashSet<>());
            line.path("timestamps").forEach(t -> timestamps.add(t.asLong()));
        }
        return out;
    }

    /** Sequence numbers of the scraped pages of one drill that are stored. */
    private Set<Long> storedPages(String drillName) throws Exception {
        Set<Long> out = new HashSet<>();
        for (JsonNode line : export(CountingTarget.METRIC + "{drill=\"" + drillName + "\"}")) {
            line.path("values").forEach(v -> out.add(Math.round(v.asDouble())));
        }
        return out;
    }

    private List<JsonNode> export(String selector) throws Exception {
        return new PrometheusApi(select.baseUrl() + "/select/0/prometheus").export(selector, Duration.ofHours(2));
    }

    private String notes() {
        StringBuilder out = new StringBuilder();
        for (DrillStats d : drills.values()) {
            if (!d.notes.isEmpty()) {
                out.append("- ").append(d.name).append(": ")
                    .append(String.join("; ", d.notes.subList(0, Math.min(5, d.notes.size())))).append('\n');
            }
        }
        return out.toString();
    }

    private ServiceProcess startStorage1(int port) throws IOException {
        return ServiceProcess.start("drill-storage-1-" + restarts++, "storage-service", port,
                List.of("--basalt.storage.data-path=" + dir.resolve("storage-1")));
    }

    private ServiceProcess startStorage2(int port, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(extra);
        if (tmpfs != null) {
            args.add("--basalt.storage.data-path=" + tmpfs.resolve("data"));
            args.add("--basalt.storage.min-free-disk-space-bytes=" + MIN_FREE_BYTES);
        }
        else {
            args.add("--basalt.storage.data-path=" + dir.resolve("storage-2"));
        }
        return ServiceProcess.start("drill-storage-2-" + restarts++, "storage-service", port, args);
    }

    /** Insert and select reach storage-2 through the proxy, so that the slow-node drill can slow it down. */
    private List<String> storageNodes() {
        return List.of("--spring.cloud.discovery.client.simple.instances.storage[0].uri=" + storage1.baseUrl(),
                "--spring.cloud.discovery.client.simple.instances.storage[1].uri=" + slowStorage.baseUrl());
    }

    private ServiceProcess startInsert(String name, int port) throws IOException {
        List<String> args = new ArrayList<>(storageNodes());
        args.add("--basalt.insert.replication-factor=2");
        // The same directory across restarts: copies owed before a kill -9 are delivered after it.
        args.add("--basalt.insert.hint-path=" + dir.resolve(name + "-hints"));
        // A returning node is tried again, and paid what it is owed, within a second rather than the default 5 s.
        args.add("--basalt.insert.storage-backoff=1s");
        return ServiceProcess.start(name + "-" + restarts++, "insert-service", port, args);
    }

    private ServiceProcess startSelect(int port) throws IOException {
        List<String> args = new ArrayList<>(storageNodes());
        args.add("--basalt.select.replication-factor=2");
        return ServiceProcess.start("drill-select-" + restarts++, "select-service", port, args);
    }

    private ServiceProcess startAgent() throws IOException {
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: drill
                    static_configs:
                      - targets: ['%s']
                remote_write:
                  - url: http://insert/insert/0/prometheus/api/v1/write
                    queue_config:
                      batch_send_deadline: 1s
                      max_backoff: 1s
                """.formatted(target.address()));
        List<String> args = new ArrayList<>(ServiceProcess.discoveryArgs("insert", insert1, insert2));
        args.add("--basalt.agent.config-file=" + config);
        args.add("--basalt.agent.data-path=" + dir.resolve("agent"));
        return ServiceProcess.start("drill-agent-" + restarts++, "agent-service", args);
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }

    private ServiceProcess replace(ServiceProcess old, ServiceProcess fresh) {
        processes.set(processes.indexOf(old), fresh);
        return fresh;
    }

    private static void under(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static String seconds(Duration d) {
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    /** A small tmpfs for storage-2's data, so the disk can really fill; null where mounting is not allowed. */
    private static Path mountTmpfs(Path mountPoint) throws IOException, InterruptedException {
        // -Dbasalt.drills.tmpfs=false runs the threshold variant, as on a machine without root.
        if (!"root".equals(System.getProperty("user.name"))
                || !Boolean.parseBoolean(System.getProperty("basalt.drills.tmpfs", "true"))) {
            return null;
        }
        Files.createDirectories(mountPoint);
        if (run(List.of("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mountPoint.toString())) != 0) {
            System.out.println("FaultDrillsIT: cannot mount a tmpfs; the disk-full drill uses the threshold variant");
            return null;
        }
        return mountPoint;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Real bytes: tmpfs does not count the holes of a sparse file as used. */
    private static void writeZeros(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }
}
