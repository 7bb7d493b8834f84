package io.basalt.bench.insert;

import static io.basalt.bench.insert.ServerProcess.jarCommand;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What anti-entropy repair costs: two storage nodes and an insert node with the repairer, started from their jars as
 * {@code ./basalt up} starts them. {@code hours} of closed data are written to both nodes directly, except that
 * storage-2 misses a 5-minute span and a {@code gapMinutes} span (an outage hinted handoff did not cover). Then one
 * repair pass is started with {@code POST /internal/repair} and timed until it is over (time to converge), and a
 * second pass over the now equal replicas shows the steady cost. For each pass: CPU seconds of the three processes
 * and bytes they read ({@code /proc/<pid>/io}: {@code rchar} all reads, {@code read_bytes} from the device), per hour
 * of data compared. Run from the repository root after packaging storage-service, insert-service and bench:
 * {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.basalt.bench.insert.RepairCostBench
 * series=1000 hours=4 intervalSeconds=30 gapMinutes=60}.
 */
public final class RepairCostBench {

    private static final TenantId TENANT = new TenantId(1, 0);

    private static final long HOUR = 3_600_000;


    private RepairCostBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int series = Integer.parseInt(a.getOrDefault("series", "1000"));
        int hours = Integer.parseInt(a.getOrDefault("hours", "4"));
        int interval = Integer.parseInt(a.getOrDefault("intervalSeconds", "30"));
        int gapMinutes = Integer.parseInt(a.getOrDefault("gapMinutes", "60"));
        String bytesPerSecond = a.getOrDefault("bytesPerSecond", "1073741824");
        if (hours < 4) {
            throw new IllegalArgumentException("hours must be at least 4: the gaps lie in hours 1 and 2 to 3");
        }
        // Whole hours that closed more than the settle delay ago.
        long start = (System.currentTimeMillis() / HOUR - hours - 1) * HOUR;
        long[] shortGap = { start + HOUR + 10 * 60_000L, start + HOUR + 15 * 60_000L };
        long[] longGap = { start + 2 * HOUR + 30 * 60_000L, start + 2 * HOUR + 30 * 60_000L + gapMinutes * 60_000L };

        Path work = Files.createTempDirectory("repair-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int p1 = ServerProcess.freePort();
        int p2 = ServerProcess.freePort();
        int pi = ServerProcess.freePort();
        System.out.printf(Locale.ROOT, "series=%d hours=%d intervalSeconds=%d gapMinutes=%d cpus=%d work=%s%n", series,
                hours, interval, gapMinutes, Runtime.getRuntime().availableProcessors(), work);
        try (ServerProcess s1 = storage(java, "storage-1", p1, work);
                ServerProcess s2 = storage(java, "storage-2", p2, work);
                ServerProcess insert = ServerProcess.start("insert", pi, jarCommand(java, "insert-service",
                        "--server.port=" + pi, "--server.address=127.0.0.1",
                        "--spring.cloud.discovery.client.simple.instances.storage[0].uri=" + s1.url(),
                        "--spring.cloud.discovery.client.simple.instances.storage[1].uri=" + s2.url(),
                        "--basalt.insert.replication-factor=2", "--basalt.insert.repair.enabled=true",
                        "--basalt.insert.repair.initial-delay=24h",
                        "--basalt.insert.repair.lookback=PT" + (hours + 2) + "H",
                        "--basalt.insert.repair.bytes-per-second=" + bytesPerSecond),
                        work.resolve("logs/insert.log"))) {
            for (ServerProcess p : List.of(s1, s2, insert)) {
                p.awaitHttp("/actuator/health/readiness", Duration.ofSeconds(180));
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long missing = load(http, s1, s2, series, hours, interval, start, shortGap, longGap);
            System.out.printf(Locale.ROOT, "loaded %,d samples per node; storage-2 misses %,d%n",
                    (long) series * hours * 3600 / interval, missing);

            System.out.println("| pass | time to converge (s) | samples copied | CPU-s storage / insert "
                    + "| CPU-s per hour compared | rchar per hour (MiB) | read_bytes per hour (MiB) |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            List<ServerProcess> all = List.of(s1, s2, insert);
            for (String pass : new String[] { "after the outages", "equal replicas" }) {
                double[] cpu0 = cpu(all);
                long rchar0 = io(all, "rchar");
                long read0 = io(all, "read_bytes");
                long copied0 = number(repairStatus(http, insert), "samplesCopiedTotal");
                long t0 = System.nanoTime();
                runPass(http, insert);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] cpu1 = cpu(all);
                long copied = number(repairStatus(http, insert), "samplesCopiedTotal") - copied0;
                double storageCpu = cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1];
                double insertCpu = cpu1[2] - cpu0[2];
                System.out.printf(Locale.ROOT, "| %s | %.1f | %,d | %.1f / %.1f | %.2f | %.1f | %.1f |%n", pass,
                        seconds, copied, storageCpu, insertCpu, (storageCpu + insertCpu) / hours,
                        (io(all, "rchar") - rchar0) / 1048576.0 / hours,
                        (io(all, "read_bytes") - read0) / 1048576.0 / hours);
            }
            long on1 = samples(http, s1, start, start + hours * HOUR);
            long on2 = samples(http, s2, start, start + hours * HOUR);
            System.out.printf(Locale.ROOT, "converged: %s (storage-1 %,d samples, storage-2 %,d)%n", on1 == on2,
                    on1, on2);
            if (on1 != on2) {
                throw new IllegalStateException("the replicas still differ after the passes");
            }
        }
    }

    /** Writes every series to storage-1 and, without the gaps, to storage-2; returns the samples storage-2 lacks. */
    private static long load(HttpClient http, ServerProcess s1, ServerProcess s2, int series, int hours, int interval,
            long start, long[] shortGap, long[] longGap) throws Exception {
        long missing = 0;
        int perHour = 3600 / interval;
        for (int h = 0; h < hours; h++) {
            List<TimeSeries> full = new ArrayList<>(series);
            List<TimeSeries> gapped = new ArrayList<>(series);
            for (int s = 0; s < series; s++) {
                long[] ts = new long[perHour];
                double[] vs = new double[perHour];
                int kept = 0;
                long[] kts = new long[perHour];
                double[] kvs = new double[perHour];
                for (int i = 0; i < perHour; i++) {
                    ts[i] = start + h * HOUR + i * interval * 1000L;
                    vs[i] = s * 10 + (h * perHour + i) * 0.5;
                    if (within(ts[i], shortGap) || within(ts[i], longGap)) {
                        missing++;
                    }
                    else {
                        kts[kept] = ts[i];
                        kvs[kept++] = vs[i];
                    }
                }
                Labels labels = Labels.of("__name__", "repair_bench", "instance", "host-" + (s / 100), "id",
                        Integer.toString(s));
                full.add(new TimeSeries(labels, ts, vs));
                gapped.add(new TimeSeries(labels, java.util.Arrays.copyOf(kts, kept),
                        java.util.Arrays.copyOf(kvs, kept)));
            }
            post(http, s1, "/internal/insert", RowsCodec.encode(TENANT, full), 204);
            post(http, s2, "/internal/insert", RowsCodec.encode(TENANT, gapped), 204);
        }
        post(http, s1, "/internal/force_flush", new byte[0], 204);
        post(http, s2, "/internal/force_flush", new byte[0], 204);
        return missing;
    }

    private static boolean within(long t, long[] span) {
        return t >= span[0] && t < span[1];
    }

    /** Starts a pass and waits for it, bounded by an hour. */
    private static void runPass(HttpClient http, ServerProcess insert) throws Exception {
        long passes = number(repairStatus(http, insert), "passesTotal");
        post(http, insert, "/internal/repair", new byte[0], 202);
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        String r = repairStatus(http, insert);
        while (number(r, "passesTotal") <= passes || r.contains("\"running\":true")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("repair pass not over within an hour: " + r);
            }
            Thread.sleep(100);
            r = repairStatus(http, insert);
        }
        if (number(r, "blockFailuresTotal") > 0) {
            throw new IllegalStateException("blocks failed during the pass: " + r);
        }
    }

    /** The {@code repair} section of insert's status, as JSON text. */
    private static String repairStatus(HttpClient http, ServerProcess insert) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(insert.url() + "/api/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"repair\":{");
        if (at < 0) {
            throw new IllegalStateException("no repair section in insert's status: " + body);
        }
        return body.substring(at, body.indexOf('}', at) + 1);
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    private static long samples(HttpClient http, ServerProcess storage, long from, long to) throws Exception {
        SearchQuery q = new SearchQuery(TENANT, from, to - 1, List.of(), 0);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(storage.url() + "/internal/search"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(q.encode())).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("search on " + storage.name() + ": HTTP " + r.statusCode());
        }
        return RowsCodec.decode(r.body()).series().stream().mapToLong(TimeSeries::size).sum();
    }

    private static void post(HttpClient http, ServerProcess p, String path, byte[] body, int expected)
            throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(p.url() + path))
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(p.name() + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static double[] cpu(List<ServerProcess> ps) throws Exception {
        double[] out = new double[ps.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).cpuSeconds();
        }
        return out;
    }

    private static long io(List<ServerProcess> ps, String field) throws Exception {
        long sum = 0;
        for (ServerProcess p : ps) {
            sum += p.ioBytes(field);
        }
        return sum;
    }

    private static ServerProcess storage(String java, String name, int port, Path work) throws Exception {
        return ServerProcess.start(name, port, jarCommand(java, "storage-service", "--server.port=" + port,
                "--server.address=127.0.0.1", "--basalt.storage.data-path=" + work.resolve(name)),
                work.resolve("logs/" + name + ".log"));
    }
}
