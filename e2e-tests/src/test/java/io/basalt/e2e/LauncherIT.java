package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * README's run command: {@code ./basalt up} starts the whole topology on the product ports, data from mock-exporter
 * is queryable through both selects with every region's external labels, and {@code ./basalt down} leaves nothing
 * running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {

    private static final List<Integer> PORTS = Launcher.PORTS;

    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1");

    private final Launcher launcher = new Launcher("launcher-data");

    private final Path data = launcher.data();

    private boolean started;

    @BeforeAll
    void up() throws Exception {
        for (int port : PORTS) {
            assumeFalse(listening(port), "port " + port + " is in use (is a ./basalt cluster running?); "
                    + "skipping the launcher test");
        }
        started = true;
        Launcher.Result r = basalt("up", Duration.ofMinutes(6));
        assertThat(r.exitCode()).as("./basalt up output:%n%s", r.output()).isZero();
    }

    @AfterAll
    void down() throws Exception {
        if (started) {
            basalt("down", Duration.ofMinutes(1));
        }
    }

    @Test
    @Order(1)
    void statusReportsEveryProcessHealthy() throws Exception {
        Launcher.Result r = basalt("status", Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("storage-2", "insert-2", "select-2", "agent-sa-east-1", "mock-exporter")
            .doesNotContain("stopped", "unhealthy");
    }

    @Test
    @Order(2)
    void mockExporterDataIsQueryableThroughBothSelectsWithEveryRegionsLabels() throws Exception {
        for (int port : List.of(8481, 8491)) {
            PrometheusApi api = new PrometheusApi("http://127.0.0.1:" + port + "/select/0/prometheus");
            Set<String> regions = new TreeSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (regions.size() < REGIONS.size() && System.nanoTime() < deadline) {
                regions.clear();
                api.instantVector("up{job=\"mock-exporter\"} == 1").forEach(s -> regions.add(s.labels().get("region")));
                Thread.sleep(1000);
            }
            assertThat(regions).as("regions seen through select :" + port).containsExactlyInAnyOrderElementsOf(REGIONS);
            // every region keeps the request counters, whatever its write_relabel_configs drop
            assertThat(api.instantVector("sum by (region) (http_requests_total)")).hasSize(REGIONS.size());
        }
    }

    @Test
    @Order(3)
    void addStorageGivesTheNewNodeItsShareAndRemoveStorageDrainsItWithoutLosingQueries() throws Exception {
        ServiceProcess.assumeInstalled("/usr/bin/jq", "jq");
        Launcher.Result added = basalt(Duration.ofMinutes(5), "add-storage");
        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(added.output()).contains("started storage-3", "select reads storage-3",
                "insert places new series copies on storage-3", "storage-3 added");
        assertThat(basalt(Duration.ofSeconds(60), "status").output()).containsPattern("storage-3 +\\d+ +8502 +healthy");
        // The launcher's rebalancer moves a series once its newest sample on its old node is 30 s old.
        waitUntil("series moved to storage-3", () -> rebalanced() > 0, Duration.ofMinutes(3));

        Launcher.Result removed = basalt(Duration.ofMinutes(8), "remove-storage", "storage-3");
        assertThat(removed.exitCode()).as(removed.output()).isZero();
        assertThat(removed.output()).contains("insert drains storage-3", "storage-3 holds no series any more",
                "insert forgets storage-3", "select forgets storage-3", "storage-3 removed and stopped");
        waitUntil("storage-3 stopped listening on 8502", () -> !listening(8502), Duration.ofSeconds(30));
        assertThat(basalt(Duration.ofSeconds(60), "status").output()).doesNotContain("storage-3");
        PrometheusApi api = new PrometheusApi("http://127.0.0.1:8481/select/0/prometheus");
        Set<String> regions = new TreeSet<>();
        api.instantVector("up{job=\"mock-exporter\"} == 1").forEach(s -> regions.add(s.labels().get("region")));
        assertThat(regions).as("regions still answered after storage-3 left").containsExactlyInAnyOrderElementsOf(REGIONS);
    }

    /** Series insert-1's rebalancer has moved so far. */
    private static long rebalanced() {
        try {
            String metrics = new String(java.net.URI.create("http://127.0.0.1:8480/actuator/prometheus").toURL()
                .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return metrics.lines().filter(l -> l.startsWith("basalt_insert_rebalance_series_moved_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }
        catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    @Order(4)
    void upIsIdempotentAndRestartsAProcessThatDied() throws Exception {
        Path pidFile = data.resolve("run/select-2.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        waitUntil("select-2 killed", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true),
                Duration.ofSeconds(20));

        Launcher.Result r = basalt("up", Duration.ofMinutes(3));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("started select-2").doesNotContain("started select-1");
        assertThat(listening(8491)).isTrue();
    }

    @Test
    @Order(5)
    void downLeavesNoProcessBehind() throws Exception {
        List<Long> pids = launcher.pids();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(PORTS.size());

        Launcher.Result r = basalt("down", Duration.ofMinutes(1));

        assertThat(r.exitCode()).as(r.output()).isZero();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        for (int port : PORTS) {
            assertThat(listening(port)).as("port " + port).isFalse();
        }
    }

    private Launcher.Result basalt(String command, Duration timeout) throws Exception {
        return launcher.run(timeout, command);
    }

    private Launcher.Result basalt(Duration timeout, String... command) throws Exception {
        return launcher.run(timeout, command);
    }

    private static boolean listening(int port) {
        return Launcher.listening(port);
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(200);
        }
    }
}
