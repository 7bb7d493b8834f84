package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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

    private static final List<Integer> PORTS = List.of(2112, 8429, 8439, 8449, 8459, 8480, 8490, 8481, 8491, 8482,
            8492);

    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1");

    private final Path root = Path.of(System.getProperty("basalt.root", "..")).toAbsolutePath().normalize();

    private final Path data = root.resolve("e2e-tests/target/launcher-data");

    private boolean started;

    @BeforeAll
    void up() throws Exception {
        for (int port : PORTS) {
            assumeFalse(listening(port), "port " + port + " is in use (is a ./basalt cluster running?); "
                    + "skipping the launcher test");
        }
        started = true;
        Result r = basalt("up", Duration.ofMinutes(6));
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
        Result r = basalt("status", Duration.ofSeconds(60));
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
    void upIsIdempotentAndRestartsAProcessThatDied() throws Exception {
        Path pidFile = data.resolve("run/select-2.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        waitUntil(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(20));

        Result r = basalt("up", Duration.ofMinutes(3));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("started select-2").doesNotContain("started select-1");
        assertThat(listening(8491)).isTrue();
    }

    @Test
    @Order(4)
    void downLeavesNoProcessBehind() throws Exception {
        List<Long> pids = Files.list(data.resolve("run")).map(p -> {
            try {
                return Long.parseLong(Files.readString(p).trim());
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(PORTS.size());

        Result r = basalt("down", Duration.ofMinutes(1));

        assertThat(r.exitCode()).as(r.output()).isZero();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        for (int port : PORTS) {
            assertThat(listening(port)).as("port " + port).isFalse();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result basalt(String command, Duration timeout) throws Exception {
        Path log = Files.createTempFile("basalt-" + command, ".log");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("basalt").toString(), command).directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        pb.environment().put("BASALT_DATA", data.toString());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeout + "\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }
}
