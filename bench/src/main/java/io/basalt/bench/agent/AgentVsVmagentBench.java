package io.basalt.bench.agent;

import com.sun.net.httpserver.HttpServer;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scrape-and-forward cost of the Basalt agent against vmagent, as CPU-seconds per million samples delivered.
 *
 * <p>Both run as separate processes, one after the other, against the same in-process targets (each a page of
 * {@code series} node_exporter-like series) and remote-write to an in-process receiver that decodes and counts what
 * arrives. A process's CPU time is read from {@code /proc/<pid>/stat} (user + system) at the end of a warm-up and at the
 * end of the measured window; only samples that arrived within the window count.
 *
 * <p>Run: {@code java -cp bench/target/classes:<deps> io.basalt.bench.agent.AgentVsVmagentBench
 * [targets=20] [series=1000] [interval=1s] [warmup=20] [seconds=60] [jar=agent-service/target/agent-service.jar]
 * [only=basalt|vmagent] [jvmArgs='-Xmx512m ...']}.
 * Figures belong in docs/benchmarks.md with the machine they were measured on, never in test assertions.
 */
public final class AgentVsVmagentBench {

    private static final long CLOCK_TICKS = 100;

    private AgentVsVmagentBench() {
    }

    public static void main(String[] args) throws Exception {
        int targets = intArg(args, "targets", 20);
        int series = intArg(args, "series", 1000);
        String interval = strArg(args, "interval", "1s");
        int warmup = intArg(args, "warmup", 20);
        int seconds = intArg(args, "seconds", 60);
        String jar = strArg(args, "jar", "agent-service/target/agent-service.jar");
        Path work = Files.createTempDirectory("agent-bench");

        byte[] page = page(series);
        List<HttpServer> servers = new ArrayList<>();
        StringBuilder addresses = new StringBuilder();
        for (int i = 0; i < targets; i++) {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/metrics", ex -> {
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(200, page.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(page);
                }
            });
            s.setExecutor(Executors.newFixedThreadPool(2));
            s.start();
            servers.add(s);
            addresses.append(i == 0 ? "" : ", ").append("'127.0.0.1:").append(s.getAddress().getPort()).append('\'');
        }
        AtomicLong samples = new AtomicLong();
        RemoteWriteDecoder decoder = new RemoteWriteDecoder();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (ex.getRequestMethod().equals("POST")) {
                samples.addAndGet(decoder.decode(body).sampleCount());
                ex.sendResponseHeaders(204, -1);
            }
            else {
                ex.sendResponseHeaders(400, -1);
            }
            ex.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/write";

        Path config = work.resolve("scrape.yml");
        Files.writeString(config, """
                global: {scrape_interval: %s, scrape_timeout: %s}
                scrape_configs:
                  - job_name: bench
                    static_configs: [{targets: [%s]}]
                remote_write:
                  - url: %s
                """.formatted(interval, interval, addresses, url));
        Path vmConfig = work.resolve("vmagent.yml");
        Files.writeString(vmConfig, """
                global: {scrape_interval: %s, scrape_timeout: %s}
                scrape_configs:
                  - job_name: bench
                    static_configs: [{targets: [%s]}]
                """.formatted(interval, interval, addresses));

        System.out.printf(Locale.ROOT, "targets=%d series/target=%d interval=%s warmup=%ds window=%ds%n", targets,
                series, interval, warmup, seconds);
        String only = strArg(args, "only", "");
        if (!only.equals("vmagent")) {
            List<String> java = new ArrayList<>(List.of("java"));
            String jvmArgs = strArg(args, "jvmArgs", "");
            if (!jvmArgs.isEmpty()) {
                java.addAll(List.of(jvmArgs.split(" ")));
            }
            java.addAll(List.of("-jar", jar, "--server.port=" + freePort(), "--basalt.agent.config-file=" + config,
                    "--basalt.agent.data-path=" + work.resolve("basalt-data")));
            System.out.println(measure("basalt-agent", java, samples, warmup, seconds));
        }
        if (!only.equals("basalt")) {
            System.out.println(measure("vmagent", List.of("/usr/bin/vmagent", "-promscrape.config=" + vmConfig,
                    "-remoteWrite.url=" + url, "-remoteWrite.tmpDataPath=" + work.resolve("vm-data"),
                    "-httpListenAddr=127.0.0.1:" + freePort(), "-loggerLevel=ERROR"), samples, warmup, seconds));
        }
        receiver.stop(0);
        servers.forEach(s -> s.stop(0));
    }

    /** One measured run. */
    record Result(String name, double cpuSeconds, long samples, double seconds) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-13s cpu=%.2fs samples=%d (%.0f/s) -> %.3f CPU-seconds per million"
                    + " samples", name, cpuSeconds, samples, samples / seconds, cpuSeconds / (samples / 1e6));
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
            long s0 = samples.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double cpu1 = cpuSeconds(p.pid());
            long s1 = samples.get();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return new Result(name, cpu1 - cpu0, s1 - s0, elapsed);
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

    /** A node_exporter-like page: a few families with label fan-out, mostly counters. */
    static byte[] page(int series) {
        StringBuilder sb = new StringBuilder();
        sb.append("# TYPE node_cpu_seconds_total counter\n");
        for (int i = 0; i < series; i++) {
            sb.append("node_cpu_seconds_total{cpu=\"").append(i / 8).append("\",mode=\"mode").append(i % 8)
                    .append("\"} ").append(1000.25 + i * 3.5).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
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
