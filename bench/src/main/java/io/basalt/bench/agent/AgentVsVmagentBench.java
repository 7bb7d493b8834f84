package io.basalt.bench.agent;

import com.sun.net.httpserver.HttpServer;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scrape-and-forward cost of the Basalt agent against vmagent, as CPU-seconds per million samples delivered.
 *
 * <p>Both run as separate processes, one after the other, scraping the same mock-exporter process (its virtual
 * targets {@code /metrics?target=n}, each a page of the simulated fleet) with the same rules: external labels, a
 * target relabel rule, a metric relabel rule that drops a family and a write relabel rule that drops another. Both
 * remote-write to an in-process receiver that decodes and counts what arrives. A process's CPU time is read from
 * {@code /proc/<pid>/stat} (user + system) at the end of a warm-up and at the end of the measured window; only
 * samples that arrived within the window count. The mock-exporter's own CPU is not counted.
 *
 * <p>Run after {@code ./mvnw -B -q -pl agent-service,mock-exporter,bench -am package -DskipTests}:
 * {@code java -cp bench/target/classes:<deps> io.basalt.bench.agent.AgentVsVmagentBench
 * [targets=200] [podsPerTarget=6] [interval=5s] [warmup=60] [seconds=60] [jar=agent-service/target/agent-service.jar]
 * [mockExporterJar=mock-exporter/target/mock-exporter.jar] [only=basalt|vmagent] [jvmArgs='-Xmx512m ...']}.
 * Figures belong in docs/benchmarks.md with the machine they were measured on, never in test assertions.
 */
public final class AgentVsVmagentBench {

    private static final long CLOCK_TICKS = 100;

    /** Applied by both agents: the families dropped here are in every mock-exporter page. */
    private static final String SCRAPE_RULES = """
                relabel_configs:
                  - {target_label: env, replacement: bench}
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: 'go_gc_.*', action: drop}
            """;

    private static final String WRITE_RULES = """
            - {source_labels: [__name__], regex: 'process_.*', action: drop}
            """;

    private AgentVsVmagentBench() {
    }

    public static void main(String[] args) throws Exception {
        int targets = intArg(args, "targets", 200);
        String interval = strArg(args, "interval", "5s");
        int warmup = intArg(args, "warmup", 60);
        int seconds = intArg(args, "seconds", 60);
        String jar = strArg(args, "jar", "agent-service/target/agent-service.jar");
        String mockJar = strArg(args, "mockExporterJar", "mock-exporter/target/mock-exporter.jar");
        // Six simulated pods per target make a page of about 1,000 series, the scale the agent issue names.
        int pods = intArg(args, "podsPerTarget", 6);
        Path work = Files.createTempDirectory("agent-bench");

        int mockPort = freePort();
        Process mock = new ProcessBuilder("java", "-Xmx1g", "-jar", mockJar, "--server.port=" + mockPort,
                "--server.address=127.0.0.1", "--basalt.mock-exporter.targets=" + targets, "--basalt.mock-exporter.instances=" + pods)
            .redirectErrorStream(true).redirectOutput(work.resolve("mock-exporter.log").toFile()).start();
        AtomicLong samples = new AtomicLong();
        AtomicReference<String> example = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService receiverThreads = Executors.newFixedThreadPool(4);
        try {
            int seriesPerTarget = awaitPage("http://127.0.0.1:" + mockPort + "/metrics?target=0");
            StringBuilder groups = new StringBuilder();
            for (int i = 0; i < targets; i++) {
                groups.append("      - {targets: ['127.0.0.1:").append(mockPort).append("'], labels: {__param_target: '")
                    .append(i).append("'}}\n");
            }
            RemoteWriteDecoder decoder = new RemoteWriteDecoder();
            receiver.createContext("/", ex -> {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                if (ex.getRequestMethod().equals("POST")) {
                    var request = decoder.decode(body);
                    samples.addAndGet(request.sampleCount());
                    if (!request.series().isEmpty()) {
                        example.set(request.series().get(0).labels().toString());
                    }
                    ex.sendResponseHeaders(204, -1);
                }
                else {
                    ex.sendResponseHeaders(400, -1);
                }
                ex.close();
            });
            receiver.setExecutor(receiverThreads);
            receiver.start();
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/write";

            String scrape = """
                    global: {scrape_interval: %s, scrape_timeout: %s, external_labels: {region: bench}}
                    scrape_configs:
                      - job_name: bench
                        static_configs:
                    %s%s""".formatted(interval, interval, groups, SCRAPE_RULES);
            Path config = work.resolve("scrape.yml");
            Files.writeString(config, scrape + """
                    remote_write:
                      - url: %s
                        write_relabel_configs:
                    %s""".formatted(url, WRITE_RULES.indent(6)));
            Path vmConfig = work.resolve("vmagent.yml");
            Files.writeString(vmConfig, scrape);
            Path vmWriteRules = work.resolve("vmagent-write-relabel.yml");
            Files.writeString(vmWriteRules, WRITE_RULES);

            System.out.printf(Locale.ROOT, "targets=%d series/target=%d interval=%s warmup=%ds window=%ds%n", targets,
                    seriesPerTarget, interval, warmup, seconds);
            String only = strArg(args, "only", "");
            if (!only.equals("vmagent")) {
                List<String> java = new ArrayList<>(List.of("java"));
                String jvmArgs = strArg(args, "jvmArgs", "");
                if (!jvmArgs.isEmpty()) {
                    java.addAll(List.of(jvmArgs.split(" ")));
                }
                java.addAll(List.of("-jar", jar, "--server.port=" + freePort(), "--server.address=127.0.0.1",
                        "--basalt.agent.config-file=" + config, "--basalt.agent.data-path=" + work.resolve("basalt-data")));
                System.out.println(measure("basalt-agent", java, samples, warmup, seconds));
                System.out.println("  a series as delivered: " + example.get());
            }
            if (!only.equals("basalt")) {
                System.out.println(measure("vmagent", List.of("/usr/bin/vmagent", "-promscrape.config=" + vmConfig,
                        "-remoteWrite.url=" + url, "-remoteWrite.urlRelabelConfig=" + vmWriteRules,
                        "-remoteWrite.tmpDataPath=" + work.resolve("vm-data"),
                        "-httpListenAddr=127.0.0.1:" + freePort(), "-loggerLevel=ERROR"), samples, warmup, seconds));
                System.out.println("  a series as delivered: " + example.get());
            }
        }
        finally {
            receiver.stop(0);
            // Its threads are not daemons: left running, they would keep the bench alive after the report.
            receiverThreads.shutdownNow();
            mock.destroy();
            mock.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** Waits for the mock-exporter to serve a page; answers how many samples a target's page has. */
    private static int awaitPage(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                String page = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return (int) page.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            }
            catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mock-exporter did not answer " + url, notYet);
                }
                Thread.sleep(500);
            }
        }
    }

    /** One measured run. */
    record Result(String name, double cpuSeconds, long samples, double seconds, long peakRssKib) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-13s cpu=%.2fs samples=%d (%.0f/s) -> %.3f CPU-seconds per million"
                    + " samples, peak RSS %.1f MiB", name, cpuSeconds, samples, samples / seconds,
                    cpuSeconds / (samples / 1e6), peakRssKib / 1024.0);
        }
    }

    private static Result measure(String name, List<String> command, AtomicLong samples, int warmup, int seconds)
            throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(warmup * 1000L);
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue());
            }
            double cpu0 = cpuSeconds(p.pid());
            Map<String, Double> threads0 = cpuByThreadName(p.pid());
            long s0 = samples.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double cpu1 = cpuSeconds(p.pid());
            printBusiestThreads(name, threads0, cpuByThreadName(p.pid()));
            long s1 = samples.get();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return new Result(name, cpu1 - cpu0, s1 - s0, elapsed, peakRssKib(p.pid()));
        }
        finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Thread.sleep(1000);
        }
    }

    /** User plus system CPU time of a process and the threads it waited for, from /proc. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command name: state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    }

    /** CPU seconds per thread name with digits taken out, so that a pool's threads add up. */
    static Map<String, Double> cpuByThreadName(long pid) throws IOException {
        Map<String, Double> byName = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                        .replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS,
                            Double::sum);
                }
                catch (IOException threadEnded) {
                    // a thread that ended between the listing and the read has nothing left to count
                }
            }
        }
        return byName;
    }

    /** Where the window's CPU went, by thread: tells the JIT, the collector and the pipeline apart. */
    private static void printBusiestThreads(String process, Map<String, Double> before, Map<String, Double> after) {
        StringBuilder line = new StringBuilder("  " + process + " CPU by thread in the window:");
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.05).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(10).forEach(e -> line.append(String.format(Locale.ROOT, " %s=%.2fs", e.getKey(), e.getValue())));
        System.out.println(line);
    }

    /** The process's high-water mark of resident memory ({@code VmHWM}), in KiB. */
    static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        String v = strArg(args, name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static String strArg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }
}
