package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public PromQL conformance set (shared/conformance/run.py) against real insert, storage and select processes:
 * the harness loads the same data into a reference Prometheus 2.42 and into Basalt and compares every answer.
 * promtool, Prometheus' own client, also queries select-service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelectConformanceIT {

    private static final Pattern SUMMARY = Pattern.compile("(?m)^conformance: (\\d+) passed, (\\d+) failed$");

    /** promtool's data lives in its own tenant, apart from the conformance data set in tenant 0. */
    private static final String PROMTOOL_TENANT = "5";

    private static final long T0 = 1_700_000_000_000L;

    private final List<ServiceProcess> processes = new ArrayList<>();

    private final HttpClient http = HttpClient.newHttpClient();

    private ServiceProcess storage;

    private ServiceProcess insert;

    private ServiceProcess select;

    private Path workDir;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        workDir = dir;
        storage = track(ServiceProcess.start("conformance-storage", "storage-service",
                List.of("--basalt.storage.data-path=" + dir.resolve("storage"),
                        "--basalt.storage.retention-period=100y")));
        List<String> node = ServiceProcess.discoveryArgs("storage", storage);
        insert = track(ServiceProcess.start("conformance-insert", "insert-service", node));
        select = track(ServiceProcess.start("conformance-select", "select-service", node));
        for (ServiceProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(180));
        }
        List<TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            series.add(new TimeSeries(Labels.of("__name__", "promtool_test", "id", Integer.toString(i)),
                    new long[] { T0, T0 + 15_000, T0 + 30_000 }, new double[] { i, i + 1, i + 2 }));
        }
        HttpResponse<String> written = http.send(HttpRequest.newBuilder(URI.create(insert.baseUrl() + "/insert/"
                + PROMTOOL_TENANT + "/prometheus/api/v1/write"))
            .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
            .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
            .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteEncoder.encode(series))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        ServiceProcess.closeAll(processes);
    }

    @Test
    void everyPublicConformanceQueryAnswersAsPrometheusDoes() throws Exception {
        Path harness = conformanceDir().resolve("run.py");
        Assumptions.assumeTrue(Files.exists(harness), harness + " is missing: the shared conformance harness is "
                + "needed (set -Dbasalt.conformance.dir)");
        assumeOnPath("python3", "python3");
        ServiceProcess.assumeInstalled("/usr/bin/prometheus", "prometheus");
        ServiceProcess.assumeInstalled("/usr/bin/promtool", "prometheus");

        Path report = workDir.resolve("conformance.md");
        Path out = Path.of(System.getProperty("basalt.root", "..")).resolve("e2e-tests/target/e2e-logs")
            .resolve("conformance.out");
        Files.createDirectories(out.getParent());
        // No --flush-url: the harness calls it with GET, which storage's force_flush refuses (POST only), and
        // select answers from the storage head, so imported samples need no flush to be queryable.
        Process p = new ProcessBuilder("python3", harness.toString(),
                "--import-url", insert.baseUrl() + "/insert/0/prometheus/api/v1/import/prometheus",
                "--query-url", select.baseUrl() + "/select/0/prometheus",
                "--report", report.toString(),
                "--workdir", workDir.resolve("harness").toString())
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished = p.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertThat(finished).as("run.py finished; output in " + out).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        Matcher m = SUMMARY.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        String failures = Files.exists(report) ? Files.readString(report) : output;
        assertThat(Integer.parseInt(m.group(2))).as(failures).isZero();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(300);
    }

    @Test
    void promtoolInstantQueryReadsSelect() throws Exception {
        ServiceProcess.assumeInstalled("/usr/bin/promtool", "prometheus");

        String out = promtool("query", "instant", "--time=" + (T0 + 30_000) / 1000, prefix(),
                "sum(promtool_test)");

        // 2 + 3 + 4 at the last sample
        assertThat(out).contains("=> 9 @[" + (T0 + 30_000) / 1000);
    }

    @Test
    void promtoolRangeQueryReadsSelect() throws Exception {
        ServiceProcess.assumeInstalled("/usr/bin/promtool", "prometheus");

        String out = promtool("query", "range", "--start=" + T0 / 1000, "--end=" + (T0 + 30_000) / 1000,
                "--step=15s", prefix(), "promtool_test{id=\"1\"}");

        assertThat(out).contains("promtool_test{id=\"1\"} =>")
            .contains("1 @[" + T0 / 1000 + "]")
            .contains("2 @[" + (T0 + 15_000) / 1000 + "]")
            .contains("3 @[" + (T0 + 30_000) / 1000 + "]");
    }

    private String prefix() {
        return select.baseUrl() + "/select/" + PROMTOOL_TENANT + "/prometheus";
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Path conformanceDir() {
        String configured = System.getProperty("basalt.conformance.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("basalt.root", "..")).toAbsolutePath().normalize()
            .resolveSibling("shared").resolve("conformance");
    }

    private static void assumeOnPath(String binary, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, binary));
        }
        Assumptions.assumeTrue(found, binary + " is not on PATH: install it with `apt-get install -y "
                + debianPackage + "` to run this test");
    }

    private ServiceProcess track(ServiceProcess p) {
        processes.add(p);
        return p;
    }
}
