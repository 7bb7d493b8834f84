package io.basalt.promql.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Judges the engine against a real Prometheus 2.42 with the shared harness ({@code /work/shared/conformance/run.py}):
 * the harness loads the dataset into both and compares every query of queries-public.txt. Skipped when Prometheus,
 * promtool, python3 or the harness are missing.
 */
class PrometheusConformanceTest {

    private static final Path HARNESS = Path.of("/work/shared/conformance/run.py");

    @Test
    void agreesWithPrometheusOnEveryPublicQuery() throws Exception {
        assumeTrue(Files.exists(HARNESS), "conformance harness not found at " + HARNESS);
        for (String binary : List.of("prometheus", "promtool", "python3")) {
            assumeTrue(onPath(binary), binary + " is not installed; skipping the comparison with Prometheus");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpServer server = new ConformanceServer().start(port);
        Path out = Files.createTempFile("conformance", ".txt");
        try {
            String base = "http://127.0.0.1:" + port;
            Process p = new ProcessBuilder("python3", HARNESS.toString(), "--import-url",
                    base + "/api/v1/import/prometheus", "--query-url", base)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("harness finished").isTrue();
            List<String> lines = Files.readAllLines(out);
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            Matcher m = Pattern.compile("conformance: (\\d+) passed, (\\d+) failed").matcher(last);
            assertThat(m.matches()).as("harness output:\n" + String.join("\n", lines)).isTrue();
            assertThat(Integer.parseInt(m.group(2))).as(String.join("\n", lines)).isZero();
        }
        finally {
            server.stop(0);
            Files.deleteIfExists(out);
        }
    }

    private static boolean onPath(String binary) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
