package io.basalt.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./basalt} as a user would, with a data directory of the test's own. */
final class Launcher {

    /** Every port the launcher's topology listens on (flow 2). */
    static final List<Integer> PORTS = List.of(2112, 8429, 8439, 8449, 8459, 8480, 8490, 8481, 8491, 8482, 8492);

    record Result(int exitCode, String output) {
    }

    private final Path root = Path.of(System.getProperty("basalt.root", "..")).toAbsolutePath().normalize();

    private final Path data;

    /** BASALT_JAVA_OPTS for this launcher's processes, or null for the flags the launcher ships. */
    private final String javaOpts;

    /** @param dataDir the BASALT_DATA directory, relative to e2e-tests/target */
    Launcher(String dataDir) {
        this(dataDir, null);
    }

    /** @param javaOpts replaces the shipped JVM flags of every process (BASALT_JAVA_OPTS) */
    Launcher(String dataDir, String javaOpts) {
        this.data = root.resolve("e2e-tests/target").resolve(dataDir);
        this.javaOpts = javaOpts;
    }

    Path data() {
        return data;
    }

    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("basalt-" + String.join("-", args), ".log");
        try {
            List<String> argv = new ArrayList<>(List.of(root.resolve("basalt").toString()));
            argv.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
            pb.environment().put("BASALT_DATA", data.toString());
            if (javaOpts != null) {
                pb.environment().put("BASALT_JAVA_OPTS", javaOpts);
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + "\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        }
        finally {
            Files.deleteIfExists(log);
        }
    }

    /** Pids of every process the launcher recorded as started. */
    List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(data.resolve("run"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                pids.add(Long.parseLong(Files.readString(p).trim()));
            }
        }
        return pids;
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
