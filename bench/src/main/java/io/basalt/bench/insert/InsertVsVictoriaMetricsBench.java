package io.basalt.bench.insert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Remote-write ingestion cost of Basalt (one insert-service and one storage-service process, replicationFactor 1)
 * against VictoriaMetrics single-node on the same payloads: CPU-seconds per million samples (user + system of the
 * server processes, from {@code /proc/<pid>/stat}), samples/s at each connection count, and the processes' peak
 * resident set size per active series.
 *
 * <p>Every target first receives {@code warmup} rounds (all series created, JIT warmed), then {@code rounds} measured
 * rounds per connection count; each round sends every series once. The client runs in this JVM and is not measured.
 *
 * <p>Run from the repository root after {@code ./mvnw -B -q -pl insert-service,storage-service,bench -am package
 * -DskipTests}: {@code java -Xmx3g -cp "bench/target/classes:$(cat bench/target/classpath.txt)"
 * io.basalt.bench.insert.InsertVsVictoriaMetricsBench series=100000 rounds=30 warmup=150 perRequest=10000
 * connections=1,4,8}. Insert and storage get the JVM flags {@code ./basalt up} gives them ({@code insertJvm=} and
 * {@code storageJvm=} replace them). Figures go to docs/benchmarks.md, never into test assertions.
 */
public final class InsertVsVictoriaMetricsBench {


    private InsertVsVictoriaMetricsBench() {
    }

    public static void main(String[] args) throws Exception {
        int series = intArg(args, "series", 100_000);
        int rounds = intArg(args, "rounds", 20);
        int warmup = intArg(args, "warmup", 3);
        int perRequest = intArg(args, "perRequest", 2_000);
        String vm = strArg(args, "victoriaMetrics", "/usr/bin/victoria-metrics");
        String storageJar = strArg(args, "storageJar", "storage-service/target/storage-service.jar");
        String insertJar = strArg(args, "insertJar", "insert-service/target/insert-service.jar");
        // Extra JVM options for the insert process, e.g. a flight recording: -XX:StartFlightRecording=filename=i.jfr
        // By default each process gets the flags ./basalt up gives it, so the figures are what a user runs.
        String insertJvm = strArg(args, "insertJvm", launcherFlags("insert-service"));
        String storageJvm = strArg(args, "storageJvm", launcherFlags("storage-service"));
        int[] connections = java.util.Arrays.stream(strArg(args, "connections", "1,8").split(","))
            .mapToInt(Integer::parseInt).toArray();
        Path work = Files.createTempDirectory("insert-bench");
        RemoteWriteLoad load = new RemoteWriteLoad(series, perRequest);
        long t0 = System.currentTimeMillis() / 1000 * 1000 - 6 * 3_600_000L;

        System.out.printf(Locale.ROOT, "series=%d rounds=%d warmup=%d perRequest=%d cpus=%d%n", series, rounds, warmup,
                perRequest, Runtime.getRuntime().availableProcessors());
        List<String> report = new ArrayList<>();
        report.add("| target | connections | samples | samples/s | server CPU-s | CPU-s per 1M samples "
                + "| failed requests |");
        report.add("| --- | --- | --- | --- | --- | --- | --- |");

        if (!vm.isEmpty() && Files.isExecutable(Path.of(vm))) {
            int port = ServerProcess.freePort();
            try (ServerProcess server = ServerProcess.start("victoria-metrics", port, List.of(vm,
                    "-httpListenAddr=127.0.0.1:" + port, "-storageDataPath=" + work.resolve("vm"),
                    "-retentionPeriod=1y"), work.resolve("logs/victoria-metrics.log"))) {
                server.awaitHttp("/health", Duration.ofSeconds(60));
                measure("VictoriaMetrics single-node", server.url() + "/api/v1/write", List.of(server), load, t0,
                        warmup, rounds, connections, report);
            }
        }
        else {
            System.out.println(vm + " missing: VictoriaMetrics not measured");
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int storagePort = ServerProcess.freePort();
        int insertPort = ServerProcess.freePort();
        try (ServerProcess storage = ServerProcess.start("storage", storagePort, jvm(java, storageJvm, "-jar", storageJar, "--server.port=" + storagePort,
                "--server.address=127.0.0.1", "--basalt.storage.data-path=" + work.resolve("storage")),
                work.resolve("logs/storage.log"));
                ServerProcess insert = ServerProcess.start("insert", insertPort, jvm(java, insertJvm, "-jar",
                        insertJar, "--server.port=" + insertPort,
                        "--server.address=127.0.0.1",
                        "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:"
                                + storagePort), work.resolve("logs/insert.log"))) {
            storage.awaitHttp("/actuator/health/readiness", Duration.ofSeconds(180));
            insert.awaitHttp("/actuator/health/readiness", Duration.ofSeconds(180));
            measure("Basalt insert + storage", insert.url() + "/insert/0/prometheus/api/v1/write",
                    List.of(insert, storage), load, t0, warmup, rounds, connections, report);
        }
        System.out.println();
        report.forEach(System.out::println);
        System.out.println("work dir (logs): " + work);
    }

    private static void measure(String target, String url, List<ServerProcess> servers, RemoteWriteLoad load,
            long t0, int warmup, int rounds, int[] connectionCounts, List<String> report) throws Exception {
        int round = 0;
        RemoteWriteLoad.Result w = load.send(url, rounds(load, t0, round, warmup), 8);
        round += warmup;
        System.out.printf(Locale.ROOT, "%s warm-up: %d samples, %d failed requests%n", target, w.samples(),
                w.failedRequests());
        for (int connections : connectionCounts) {
            List<List<byte[]>> bodies = rounds(load, t0, round, rounds);
            round += rounds;
            double[] before = cpuEach(servers);
            List<java.util.Map<String, Double>> kindsBefore = cpuByKindEach(servers);
            RemoteWriteLoad.Result r = load.send(url, bodies, connections);
            double[] after = cpuEach(servers);
            List<java.util.Map<String, Double>> kindsAfter = cpuByKindEach(servers);
            double cpu = 0;
            StringBuilder split = new StringBuilder();
            for (int i = 0; i < servers.size(); i++) {
                cpu += after[i] - before[i];
                split.append(String.format(Locale.ROOT, " %s=%.1f", servers.get(i).name(), after[i] - before[i]));
            }
            System.out.println("  CPU-s by process:" + split);
            System.out.println("  CPU-s by thread kind:" + kindSplit(servers, kindsBefore, kindsAfter));
            String line = String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.1f | %.2f | %d |", target,
                    connections, r.samples(), r.samplesPerSecond(), cpu, cpu / (r.samples() / 1e6),
                    r.failedRequests());
            System.out.println(line);
            report.add(line);
        }
        long rss = 0;
        StringBuilder split = new StringBuilder();
        for (ServerProcess server : servers) {
            long peak = server.peakRssBytes();
            rss += peak;
            split.append(String.format(Locale.ROOT, " %s=%d MiB", server.name(), peak >> 20));
        }
        String line = String.format(Locale.ROOT, "| %s | peak RSS | %d MiB (%s) | %.0f bytes per active series |",
                target, rss >> 20, split.toString().trim(), (double) rss / load.series());
        System.out.println(line);
        report.add(line);
    }

    private static List<java.util.Map<String, Double>> cpuByKindEach(List<ServerProcess> servers)
            throws java.io.IOException {
        List<java.util.Map<String, Double>> out = new java.util.ArrayList<>();
        for (ServerProcess server : servers) {
            out.add(server.cpuSecondsByThreadKind());
        }
        return out;
    }

    private static String kindSplit(List<ServerProcess> servers, List<java.util.Map<String, Double>> before,
            List<java.util.Map<String, Double>> after) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            for (var e : after.get(i).entrySet()) {
                out.append(String.format(Locale.ROOT, " %s/%s=%.1f", servers.get(i).name(), e.getKey(),
                        e.getValue() - before.get(i).getOrDefault(e.getKey(), 0.0)));
            }
        }
        return out.toString();
    }

    /** What {@code ./basalt jvm-flags <module>} prints: the launcher's JVM flags for that module. */
    static String launcherFlags(String module) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder("./basalt", "jvm-flags", module).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException("./basalt jvm-flags " + module + " failed: " + out);
        }
        return out;
    }

    /** The java command with space-separated JVM options, then the rest. */
    private static List<String> jvm(String java, String options, String... rest) {
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String o : options.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                command.add(o);
            }
        }
        command.addAll(List.of(rest));
        return command;
    }

    private static List<List<byte[]>> rounds(RemoteWriteLoad load, long t0, int first, int count) {
        List<List<byte[]>> out = new ArrayList<>(count);
        for (int r = first; r < first + count; r++) {
            out.add(load.round(t0 + r * 15_000L, r));
        }
        return out;
    }

    private static double[] cpuEach(List<ServerProcess> servers) throws java.io.IOException {
        double[] out = new double[servers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = servers.get(i).cpuSeconds();
        }
        return out;
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
