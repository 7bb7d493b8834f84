package io.basalt.bench.select;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Query latency of dashboard queries, Basalt (select + one storage node) against VictoriaMetrics single-node, on the
 * same node_exporter-like data written to both by remote write. Starts every process itself on loopback, prints a
 * Markdown table for docs/benchmarks.md and stops them.
 *
 * <pre>
 * java -cp bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat cp.txt) io.basalt.bench.select.QueryLatencyBench \
 *     [hosts=20] [hours=24] [intervalSeconds=30] [runs=15] [warmup=20] [root=.]
 * </pre>
 */
public final class QueryLatencyBench {

    /** A Grafana "node exporter" dashboard's panels, per instance. */
    static final List<String> QUERIES = List.of(
            "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m]))",
            "avg by (instance) (node_load1)",
            "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
            "sum by (instance) (rate(node_network_receive_bytes_total[5m]))",
            "topk(5, rate(node_disk_io_time_seconds_total[5m]))",
            "max by (instance, mountpoint) (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes)",
            "count(up)",
            "histogram_quantile(0.9, sum by (le) (rate(node_filler_bucket[5m])))");

    private static final String[] MODES = { "user", "system", "idle", "iowait", "irq", "softirq", "steal", "nice" };

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Process> processes = new ArrayList<>();

    private QueryLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = intArg(args, "hosts", 20);
        int hours = intArg(args, "hours", 24);
        int interval = intArg(args, "intervalSeconds", 30);
        int runs = intArg(args, "runs", 15);
        // Untimed runs of each query first: a server that has run for a while has its hot paths compiled, and a few
        // runs are not enough for the JVM's JIT (a native binary has nothing to warm).
        int warmup = intArg(args, "warmup", 20);
        Path root = Path.of(stringArg(args, "root", ".")).toAbsolutePath().normalize();
        // alsoQuery= adds one query to the dashboard's, e.g. the count by (job) ({__name__=~"node_.+"})
        List<String> queries = new ArrayList<>(QUERIES);
        String also = stringArg(args, "alsoQuery", "");
        if (!also.isEmpty()) {
            queries.add(also);
        }
        QueryLatencyBench bench = new QueryLatencyBench();
        try {
            bench.run(hosts, hours, interval, runs, warmup, root, queries);
        }
        finally {
            bench.stop();
        }
    }

    private void run(int hosts, int hours, int interval, int runs, int warmup, Path root, List<String> queries)
            throws Exception {
        Path data = Files.createTempDirectory("basalt-query-bench");
        int storagePort = 28482;
        int insertPort = 28480;
        int selectPort = 28481;
        int vmPort = 28428;
        String node = "--spring.cloud.discovery.client.simple.instances.storage[0].uri=http://127.0.0.1:" + storagePort;
        start(data, "storage", List.of(java(), "-Xmx4g", "-jar", jar(root, "storage-service"),
                "--server.port=" + storagePort, "--server.address=127.0.0.1",
                "--basalt.storage.data-path=" + data.resolve("storage"), "--basalt.storage.retention-period=100y"));
        start(data, "insert", List.of(java(), "-Xmx1g", "-jar", jar(root, "insert-service"),
                "--server.port=" + insertPort, "--server.address=127.0.0.1", node));
        // The bench times the query, so it must not be cut short by the default 30 s limit (the HTTP client waits
        // up to 120 s, as for VictoriaMetrics).
        start(data, "select", List.of(java(), "-Xmx4g", "-jar", jar(root, "select-service"),
                "--server.port=" + selectPort, "--server.address=127.0.0.1", "--basalt.select.max-query-duration=120s",
                node));
        start(data, "victoria-metrics", List.of("/usr/bin/victoria-metrics",
                "-storageDataPath=" + data.resolve("vm"), "-httpListenAddr=127.0.0.1:" + vmPort,
                "-retentionPeriod=100y", "-search.disableCache", "-loggerLevel=ERROR"));
        awaitOk("http://127.0.0.1:" + storagePort + "/actuator/health/readiness");
        awaitOk("http://127.0.0.1:" + insertPort + "/actuator/health/readiness");
        awaitOk("http://127.0.0.1:" + selectPort + "/actuator/health/readiness");
        awaitOk("http://127.0.0.1:" + vmPort + "/health");

        long end = (System.currentTimeMillis() / 3_600_000L) * 3_600_000L;
        long start = end - hours * 3_600_000L;
        long series = write(hosts, start, end, interval * 1000L, List.of(
                "http://127.0.0.1:" + insertPort + "/insert/0/prometheus/api/v1/write",
                "http://127.0.0.1:" + vmPort + "/api/v1/write"));
        post("http://127.0.0.1:" + storagePort + "/internal/force_flush");
        get("http://127.0.0.1:" + vmPort + "/internal/force_flush");
        System.out.printf(Locale.ROOT, "data: %d hosts, %d series, %d h at %d s = %d samples per target%n", hosts,
                series, hours, interval, series * (hours * 3600L / interval));

        String basalt = "http://127.0.0.1:" + selectPort + "/select/0/prometheus/api/v1/query_range";
        String vm = "http://127.0.0.1:" + vmPort + "/api/v1/query_range";
        System.out.println();
        System.out.println("| window | step | query | Basalt p50 ms | Basalt p95 ms | VM p50 ms | VM p95 ms "
                + "| p50 ratio |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int[] window : new int[][] { { 1, 15 }, { 24, 120 } }) {
            long from = end - window[0] * 3_600_000L;
            double[] basaltAll = new double[0];
            double[] vmAll = new double[0];
            for (String q : queries) {
                String params = "?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&start=" + from / 1000
                        + "&end=" + end / 1000 + "&step=" + window[1];
                // alternate the targets so that background noise hits both alike
                double[][] t = timeBoth(basalt + params, vm + params, runs, warmup);
                basaltAll = concat(basaltAll, t[0]);
                vmAll = concat(vmAll, t[1]);
                System.out.printf(Locale.ROOT, "| %d h | %d s | `%s` | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                        window[0], window[1], q.replace("|", "\\|"), pct(t[0], 50), pct(t[0], 95), pct(t[1], 50),
                        pct(t[1], 95), pct(t[0], 50) / pct(t[1], 50));
            }
            System.out.printf(Locale.ROOT, "| %d h | %d s | **all queries** | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                    window[0], window[1], pct(basaltAll, 50), pct(basaltAll, 95), pct(vmAll, 50), pct(vmAll, 95),
                    pct(basaltAll, 50) / pct(vmAll, 50));
        }
    }

    /** Writes every host's series in 2-hour pieces, in time order, to every target. */
    private static long write(int hosts, long start, long end, long intervalMs, List<String> targets)
            throws IOException, InterruptedException {
        long pieceMs = 2 * 3_600_000L;
        long seriesCount = 0;
        for (long from = start; from < end; from += pieceMs) {
            for (int h = 0; h < hosts; h++) {
                List<TimeSeries> batch = host(h, from, Math.min(end, from + pieceMs), intervalMs);
                seriesCount = from == start ? seriesCount + batch.size() : seriesCount;
                byte[] body = RemoteWriteEncoder.encode(batch);
                for (String target : targets) {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(target))
                        .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                        .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
                        .header("X-Prometheus-Remote-Write-Version", RemoteWriteEncoder.VERSION_HEADER_VALUE)
                        .timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 != 2) {
                        throw new IllegalStateException(target + " answered " + r.statusCode() + ": " + r.body());
                    }
                }
            }
        }
        return seriesCount;
    }

    /** About 100 series of one node_exporter: CPU counters, memory, network, disks, filesystems, filler. */
    static List<TimeSeries> host(int host, long from, long to, long intervalMs) {
        String instance = "host-" + host + ":9100";
        int n = (int) ((to - from) / intervalMs);
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = from + i * intervalMs + (host * 37L) % 1000;
        }
        SplittableRandom random = new SplittableRandom(host * 1_000_003L + from);
        List<TimeSeries> out = new ArrayList<>(110);
        for (int cpu = 0; cpu < 8; cpu++) {
            for (String mode : MODES) {
                out.add(series(ts, counter(random, from, ts, 0.05), "node_cpu_seconds_total", instance, "cpu",
                        Integer.toString(cpu), "mode", mode));
            }
        }
        out.add(series(ts, gauge(random, ts, 2, 1), "node_load1", instance));
        out.add(series(ts, gauge(random, ts, 8e9, 1e9), "node_memory_MemAvailable_bytes", instance));
        out.add(series(ts, constant(ts, 32e9), "node_memory_MemTotal_bytes", instance));
        out.add(series(ts, constant(ts, 1), "up", instance));
        for (String dev : new String[] { "eth0", "eth1", "eth2", "lo" }) {
            out.add(series(ts, counter(random, from, ts, 1e5), "node_network_receive_bytes_total", instance,
                    "device", dev));
            out.add(series(ts, counter(random, from, ts, 1e5), "node_network_transmit_bytes_total", instance,
                    "device", dev));
        }
        for (String dev : new String[] { "sda", "sdb", "nvme0n1", "nvme1n1" }) {
            out.add(series(ts, counter(random, from, ts, 0.2), "node_disk_io_time_seconds_total", instance,
                    "device", dev));
        }
        for (String mount : new String[] { "/", "/var", "/home", "/data" }) {
            out.add(series(ts, gauge(random, ts, 4e11, 1e9), "node_filesystem_avail_bytes", instance,
                    "mountpoint", mount));
            out.add(series(ts, constant(ts, 1e12), "node_filesystem_size_bytes", instance, "mountpoint", mount));
        }
        for (String le : new String[] { "0.1", "0.5", "1", "5", "10", "+Inf" }) {
            out.add(series(ts, counter(random, from, ts, Double.parseDouble(le.equals("+Inf") ? "20" : le)),
                    "node_filler_bucket", instance, "le", le));
        }
        return out;
    }

    private static TimeSeries series(long[] ts, double[] values, String name, String instance, String... labels) {
        List<String> all = new ArrayList<>(List.of("__name__", name, "instance", instance, "job", "node"));
        all.addAll(Arrays.asList(labels));
        return new TimeSeries(Labels.of(all.toArray(String[]::new)), ts.clone(), values);
    }

    /** A counter that grows by about {@code rate} per second, continuing across pieces. */
    private static double[] counter(SplittableRandom random, long from, long[] ts, double rate) {
        double[] v = new double[ts.length];
        double value = rate * (from / 1000.0 % 1e6);
        for (int i = 0; i < ts.length; i++) {
            value += rate * 30 * (0.5 + random.nextDouble());
            v[i] = Math.floor(value * 100) / 100;
        }
        return v;
    }

    private static double[] gauge(SplittableRandom random, long[] ts, double level, double spread) {
        double[] v = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            v[i] = Math.round(level + spread * (random.nextDouble() - 0.5));
        }
        return v;
    }

    private static double[] constant(long[] ts, double value) {
        double[] v = new double[ts.length];
        Arrays.fill(v, value);
        return v;
    }

    private static double[][] timeBoth(String a, String b, int runs, int warmup)
            throws IOException, InterruptedException {
        for (int warm = 0; warm < warmup; warm++) {
            timed(a);
            timed(b);
        }
        double[] ta = new double[runs];
        double[] tb = new double[runs];
        for (int i = 0; i < runs; i++) {
            ta[i] = timed(a);
            tb[i] = timed(b);
        }
        return new double[][] { ta, tb };
    }

    /** Milliseconds, or infinity for a failed or timed-out query (it sorts last, so it shows in p95 first). */
    private static double timed(String url) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            get(url);
        }
        catch (IOException | IllegalStateException e) {
            System.out.println("failed: " + e.getMessage().lines().findFirst().orElse("") + " (" + url + ")");
            return Double.POSITIVE_INFINITY;
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || (url.contains("query") && !r.body().contains("\"success\""))) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void post(String url) throws IOException, InterruptedException {
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void start(Path dir, String name, List<String> cmd) throws IOException {
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile()).start());
    }

    private void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitOk(String url) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(url + " never became ready");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar(Path root, String module) {
        Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: ./mvnw -B package -DskipTests first");
        }
        return jar.toString();
    }

    private static int intArg(String[] args, String name, int fallback) {
        String v = stringArg(args, name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }
}
