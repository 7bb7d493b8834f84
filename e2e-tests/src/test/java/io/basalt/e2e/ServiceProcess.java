package io.basalt.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One Basalt service started from its built jar as a separate JVM on a loopback port, the way the launcher and
 * users run it. Output goes to {@code target/e2e-logs/<name>.log} so a failing test can be read afterwards.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;

    private final int port;

    private final Process process;

    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code <module>/target/<module>.jar} with {@code --server.port} and the given Spring arguments. */
    static ServiceProcess start(String name, String module, List<String> springArgs) throws IOException {
        return start(name, module, freePort(), springArgs);
    }

    /** Like {@link #start(String, String, List)} on a given port: a restarted node where its peers expect it. */
    static ServiceProcess start(String name, String module, int port, List<String> springArgs) throws IOException {
        Path root = Path.of(System.getProperty("basalt.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B package -DskipTests)");
        }
        Path logDir = root.resolve("e2e-tests").resolve("target").resolve("e2e-logs");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> launch = SharedClassArchives.launch(module, jar, root.resolve("e2e-tests").resolve("target"));
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"));
        cmd.addAll(launch);
        cmd.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1"));
        cmd.addAll(springArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SharedClassArchives.started(module, launch, p);
        return new ServiceProcess(name, port, p, log);
    }

    /**
     * Starts a binary that is not a Basalt service (Prometheus, node_exporter, vmagent, VictoriaMetrics) the same way,
     * output in {@code target/e2e-logs/<name>.log}; the command must make it listen on {@code port}.
     */
    static ServiceProcess startBinary(String name, int port, List<String> command) throws IOException {
        Path root = Path.of(System.getProperty("basalt.root", "..")).toAbsolutePath().normalize();
        Path logDir = root.resolve("e2e-tests").resolve("target").resolve("e2e-logs");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(name, port, p, log);
    }

    /** Skips the calling test, saying what to install, when a peer binary is not on this machine. */
    static void assumeInstalled(String binary, String debianPackage) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)),
                binary + " is missing: install it with `apt-get install -y " + debianPackage + "` to run this test");
    }

    /** Waits until {@code GET path} answers 200, failing fast if the process died. */
    void awaitHttp(String path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " did not answer " + path + " within " + timeout + "; see " + log);
    }

    /** The Spring arguments that list {@code nodes} under a discovery service id ({@code storage}, {@code insert}). */
    static List<String> discoveryArgs(String serviceId, ServiceProcess... nodes) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            args.add("--spring.cloud.discovery.client.simple.instances." + serviceId + "[" + i + "].uri="
                    + nodes[i].baseUrl());
        }
        return args;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    /** Waits for Actuator's readiness probe to answer 200, failing fast if the process died. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl()
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    /** The node's {@code GET /api/v1/status} (node lists, handoff, repair, rebalance); fails unless it answers 200. */
    JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/status"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("status of " + name + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Polls {@link #status()} until {@code done} holds; fails with the last status after {@code timeout}. */
    JsonNode awaitStatus(String what, Predicate<JsonNode> done, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + ": not within " + timeout + "; status of " + name + ": " + last);
    }

    /** Like {@code kill -9}: no shutdown hooks run. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        closeAll(List.of(this));
    }

    /**
     * Stops every process at once (SIGTERM, then SIGKILL to any still running 10 s later, 60 s for one writing its
     * class-data-sharing archive): a JVM takes a few seconds to shut down, which one after another adds up to most of
     * a test's tear-down.
     */
    static void closeAll(List<ServiceProcess> processes) throws InterruptedException {
        processes.forEach(p -> p.process.destroy());
        long start = System.nanoTime();
        for (ServiceProcess p : processes) {
            Duration grace = Duration.ofSeconds(SharedClassArchives.writes(p.process) ? 60 : 10);
            long left = start + grace.toNanos() - System.nanoTime();
            if (!p.process.waitFor(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                p.kill();
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
