package io.basalt.bench.storage;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Basalt's storage-service next to VictoriaMetrics single-node on the same generated node_exporter-like samples:
 * bytes per sample after a flush and a full merge, CPU seconds per million samples ingested, resident memory per
 * active series, and latency of dashboard selectors over the last 1 h and 24 h. Figures go to docs/benchmarks.md;
 * nothing here asserts a speed.
 *
 * <p>Basalt ingests over {@code /internal/insert} (rows blocks, as insert nodes send them) and is read over
 * {@code /internal/search}; VictoriaMetrics ingests Prometheus remote write ({@code /api/v1/write}, snappy protobuf,
 * as vminsert receives it) and is read with {@code /api/v1/export} (raw samples, the counterpart of a search).
 *
 * <pre>
 * java -cp ... io.basalt.bench.storage.StorageComparison [--series=100000] [--scrapes=300] [--batch=10000]
 *     [--interval-seconds=30] [--jar=storage-service/target/storage-service.jar] [--vm=/usr/bin/victoria-metrics]
 *     [--heap=2g] [--work=/tmp/basalt-storage-bench] [--only=basalt|vm]
 * </pre>
 */
public final class StorageComparison {

    private static final TenantId TENANT = TenantId.DEFAULT;

    private static final long SEED = 20_240_601;

    private static final int SENDERS = 2;

    private static final int QUERY_RUNS = 7;

    private final Map<String, String> opts;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int hosts;

    private final int scrapes;

    private final int batch;

    private final long end;

    private final long interval;

    private StorageComparison(Map<String, String> opts) {
        this.opts = opts;
        hosts = Math.max(1, Integer.parseInt(opts.getOrDefault("series", "100000")) / ScrapedFleet.SERIES_PER_HOST);
        scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "300"));
        batch = Integer.parseInt(opts.getOrDefault("batch", "10000"));
        interval = Long.parseLong(opts.getOrDefault("interval-seconds", "30")) * 1000;
        end = System.currentTimeMillis() / 60_000 * 60_000;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        new StorageComparison(opts).run();
    }

    private void run() throws Exception {
        Path work = Path.of(opts.getOrDefault("work", "/tmp/basalt-storage-bench"));
        Files.createDirectories(work);
        long series = (long) hosts * ScrapedFleet.SERIES_PER_HOST;
        System.out.printf("%d series x %d scrapes = %d samples, one scrape every %d ms, requests of %d samples%n",
                series, scrapes, series * scrapes, interval, batch);
        String only = opts.getOrDefault("only", "");
        Map<String, Result> results = new LinkedHashMap<>();
        if (!only.equals("vm")) {
            results.put("Basalt", measure(new Basalt(work)));
        }
        if (!only.equals("basalt")) {
            results.put("VictoriaMetrics", measure(new Victoria(work)));
        }
        report(series, results);
    }

    // ---------------------------------------------------------------- one database

    /** What differs between the two databases: how to start, write, flush and read them. */
    private interface Target {

        String name();

        MeasuredProcess start() throws IOException, InterruptedException;

        HttpRequest insert(MeasuredProcess p, List<TimeSeries> series);

        void flushAndMerge(MeasuredProcess p) throws IOException, InterruptedException;

        /** Fetches the raw samples of one selector; returns how many series came back. */
        int read(MeasuredProcess p, Selector s, long from, long to) throws IOException, InterruptedException;
    }

    private record Selector(String promql, List<LabelMatcher> matchers) {
    }

    private record Result(double ingestCpuSeconds, double ingestWallSeconds, long rssBytes, long peakRssBytes,
            long liveHeapBytes, long diskBytes, double flushMergeSeconds, Map<String, double[]> latencyMs, Map<String, Integer> seriesRead) {
    }

    private Result measure(Target target) throws Exception {
        try (MeasuredProcess p = target.start()) {
            double cpu0 = p.cpuSeconds();
            long t0 = System.nanoTime();
            ingest(target, p);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = p.cpuSeconds() - cpu0;
            long rss = p.memoryBytes("VmRSS");
            long peak = p.memoryBytes("VmHWM");
            System.out.printf("%s: ingested in %.1f s wall, %.1f CPU s; RSS %d MB, peak %d MB%n", target.name(), wall,
                    cpu, rss >> 20, peak >> 20);
            long f0 = System.nanoTime();
            target.flushAndMerge(p);
            double flushMerge = (System.nanoTime() - f0) / 1e9;
            long disk = p.diskBytes();
            System.out.printf("%s: %d bytes on disk after flush and merge (%.1f s)%n", target.name(), disk,
                    flushMerge);
            long liveHeap = p.liveHeapBytes();
            Map<String, double[]> latency = new LinkedHashMap<>();
            Map<String, Integer> seriesRead = new LinkedHashMap<>();
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                for (Selector s : selectors()) {
                    for (long hours : new long[] { 1, 24 }) {
                        seriesRead.put(s.promql() + " " + hours + "h", target.read(p, s, end - hours * 3_600_000L,
                                end));
                    }
                }
            }
            for (Selector s : selectors()) {
                for (long hours : new long[] { 1, 24 }) {
                    long from = end - hours * 3_600_000L;
                    String key = s.promql() + " " + hours + "h";
                    double[] ms = new double[QUERY_RUNS];
                    for (int i = 0; i < QUERY_RUNS; i++) {
                        long q0 = System.nanoTime();
                        target.read(p, s, from, end);
                        ms[i] = (System.nanoTime() - q0) / 1e6;
                    }
                    Arrays.sort(ms);
                    latency.put(key, ms);
                    System.out.printf("%s: %-60s %5d series, median %.1f ms%n", target.name(), key,
                            seriesRead.get(key), ms[QUERY_RUNS / 2]);
                }
            }
            return new Result(cpu, wall, rss, peak, liveHeap, disk, flushMerge, latency, seriesRead);
        }
    }

    /** Scrape after scrape, in requests of {@code batch} samples sent by two threads, as an insert tier would. */
    private void ingest(Target target, MeasuredProcess p) throws Exception {
        ScrapedFleet fleet = new ScrapedFleet(hosts, SEED);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        Semaphore inFlight = new Semaphore(SENDERS * 2);
        List<Future<?>> pending = new ArrayList<>();
        try {
            for (int k = 0; k < scrapes; k++) {
                long ts = end - (long) (scrapes - 1 - k) * interval;
                List<TimeSeries> rows = new ArrayList<>(batch);
                for (int s = 0; s < fleet.size(); s++) {
                    rows.add(new TimeSeries(fleet.labels(s), new long[] { ts }, new double[] { fleet.next(s) }));
                    if (rows.size() == batch || s == fleet.size() - 1) {
                        List<TimeSeries> request = rows;
                        rows = new ArrayList<>(batch);
                        inFlight.acquire();
                        pending.add(senders.submit(() -> {
                            try {
                                send(target.insert(p, request));
                            }
                            finally {
                                inFlight.release();
                            }
                            return null;
                        }));
                    }
                }
                if (k % 20 == 0) {
                    for (Future<?> f : pending) {
                        f.get();
                    }
                    pending.clear();
                    System.out.printf("%s: scrape %d/%d%n", target.name(), k + 1, scrapes);
                }
            }
            for (Future<?> f : pending) {
                f.get();
            }
        }
        finally {
            senders.shutdown();
            senders.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private void send(HttpRequest request) throws IOException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                return;
            }
            if (r.statusCode() != 503 || attempt == 20) {
                throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": " + r.body());
            }
            Thread.sleep(500);
        }
    }

    /** Dashboard panels: one host's CPU, every host's idle CPU, load, one histogram, one host by regex. */
    private List<Selector> selectors() {
        String host = "10.0.0.7:9100";
        return List.of(
                new Selector("node_cpu_seconds_total{instance=\"" + host + "\"}", List.of(
                        LabelMatcher.equal("__name__", "node_cpu_seconds_total"),
                        LabelMatcher.equal("instance", host))),
                new Selector("node_cpu_seconds_total{mode=\"idle\"}", List.of(
                        LabelMatcher.equal("__name__", "node_cpu_seconds_total"),
                        LabelMatcher.equal("mode", "idle"))),
                new Selector("node_load1", List.of(LabelMatcher.equal("__name__", "node_load1"))),
                new Selector("http_request_duration_seconds_bucket{method=\"get\",le=\"0.5\"}", List.of(
                        LabelMatcher.equal("__name__", "http_request_duration_seconds_bucket"),
                        LabelMatcher.equal("method", "get"), LabelMatcher.equal("le", "0.5"))),
                new Selector("{__name__=~\"node_network_.*_bytes_total\",instance=~\"10.0.0.1.*\"}", List.of(
                        LabelMatcher.of(LabelMatcher.Type.REGEX, "__name__", "node_network_.*_bytes_total"),
                        LabelMatcher.of(LabelMatcher.Type.REGEX, "instance", "10.0.0.1.*"))));
    }

    // ---------------------------------------------------------------- the two databases

    private final class Basalt implements Target {

        private final Path work;

        Basalt(Path work) {
            this.work = work;
        }

        @Override
        public String name() {
            return "Basalt";
        }

        @Override
        public MeasuredProcess start() throws IOException, InterruptedException {
            Path data = fresh(work.resolve("basalt-data"));
            int port = freePort();
            Path jar = Path.of(opts.getOrDefault("jar", "storage-service/target/storage-service.jar"));
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + opts.getOrDefault("heap", "2g"), "-jar", jar.toString(), "--server.port=" + port,
                    "--server.address=127.0.0.1", "--basalt.storage.data-path=" + data,
                    "--basalt.storage.retention-period=100y");
            MeasuredProcess p = MeasuredProcess.start("storage-service", cmd, data, port, work.resolve("basalt.log"));
            p.awaitHttp("/actuator/health/readiness", Duration.ofMinutes(2));
            return p;
        }

        @Override
        public HttpRequest insert(MeasuredProcess p, List<TimeSeries> series) {
            return post(p, "/internal/insert", RowsCodec.CONTENT_TYPE, RowsCodec.encode(TENANT, series));
        }

        @Override
        public void flushAndMerge(MeasuredProcess p) throws IOException, InterruptedException {
            send(post(p, "/internal/force_flush", "text/plain", new byte[0]));
            send(post(p, "/internal/force_merge", "text/plain", new byte[0]));
        }

        @Override
        public int read(MeasuredProcess p, Selector s, long from, long to) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = http.send(post(p, "/internal/search", SearchQuery.CONTENT_TYPE,
                    new SearchQuery(TENANT, from, to, s.matchers(), 0).encode()), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("search answered " + r.statusCode());
            }
            return RowsCodec.decode(r.body()).series().size();
        }
    }

    private final class Victoria implements Target {

        private final Path work;

        Victoria(Path work) {
            this.work = work;
        }

        @Override
        public String name() {
            return "VictoriaMetrics";
        }

        @Override
        public MeasuredProcess start() throws IOException, InterruptedException {
            Path data = fresh(work.resolve("vm-data"));
            int port = freePort();
            List<String> cmd = List.of(opts.getOrDefault("vm", "/usr/bin/victoria-metrics"),
                    "-storageDataPath=" + data, "-retentionPeriod=100y", "-httpListenAddr=127.0.0.1:" + port,
                    "-loggerLevel=WARN");
            MeasuredProcess p = MeasuredProcess.start("victoria-metrics", cmd, data, port, work.resolve("vm.log"));
            p.awaitHttp("/health", Duration.ofMinutes(1));
            return p;
        }

        @Override
        public HttpRequest insert(MeasuredProcess p, List<TimeSeries> series) {
            return HttpRequest.newBuilder(URI.create(p.baseUrl + "/api/v1/write"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", RemoteWriteEncoder.CONTENT_TYPE)
                .header("Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING)
                .header("X-Prometheus-Remote-Write-Version", RemoteWriteEncoder.VERSION_HEADER_VALUE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteEncoder.encode(series)))
                .build();
        }

        /** Force merges run in the background, so wait until the data directory stops changing. */
        @Override
        public void flushAndMerge(MeasuredProcess p) throws IOException, InterruptedException {
            send(get(p, "/internal/force_flush"));
            TreeSet<String> months = new TreeSet<>();
            DateTimeFormatter month = DateTimeFormatter.ofPattern("yyyy_MM").withZone(ZoneOffset.UTC);
            for (long t = end - (scrapes - 1L) * interval; t <= end; t += 86_400_000L / 4) {
                months.add(month.format(Instant.ofEpochMilli(t)));
            }
            months.add(month.format(Instant.ofEpochMilli(end)));
            for (String m : months) {
                send(get(p, "/internal/force_merge?partition_prefix=" + m));
            }
            long last = -1;
            int stable = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (stable < 3 && System.nanoTime() < deadline) {
                Thread.sleep(2_000);
                long size = p.diskBytes();
                stable = size == last ? stable + 1 : 0;
                last = size;
            }
        }

        @Override
        public int read(MeasuredProcess p, Selector s, long from, long to) throws IOException, InterruptedException {
            String url = "/api/v1/export?match[]=" + URLEncoder.encode(s.promql(), StandardCharsets.UTF_8)
                    + "&start=" + from / 1000.0 + "&end=" + to / 1000.0;
            HttpResponse<String> r = http.send(get(p, url), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("export answered " + r.statusCode() + ": " + r.body());
            }
            return (int) r.body().lines().filter(l -> !l.isBlank()).count();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static HttpRequest post(MeasuredProcess p, String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create(p.baseUrl + path))
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    }

    private static HttpRequest get(MeasuredProcess p, String path) {
        return HttpRequest.newBuilder(URI.create(p.baseUrl + path)).timeout(Duration.ofMinutes(10)).build();
    }

    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void report(long series, Map<String, Result> results) {
        long samples = series * scrapes;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d series x %d scrapes = %d samples (%d ms apart), %d samples per "
                + "request, %d senders%n%n", series, scrapes, samples, interval, batch, SENDERS));
        md.append("| figure |");
        results.keySet().forEach(k -> md.append(' ').append(k).append(" |"));
        md.append(results.size() == 2 ? " Basalt / VM |\n" : "\n");
        md.append("|---|").append("---|".repeat(results.size() + (results.size() == 2 ? 1 : 0))).append('\n');
        row(md, results, "bytes per sample on disk (flush + merge)", r -> (double) r.diskBytes() / samples, "%.3f");
        row(md, results, "CPU seconds per million samples ingested", r -> r.ingestCpuSeconds() / samples * 1e6,
                "%.2f");
        row(md, results, "ingest wall seconds", Result::ingestWallSeconds, "%.1f");
        row(md, results, "RSS bytes per active series after ingest", r -> (double) r.rssBytes() / series, "%.0f");
        row(md, results, "peak RSS bytes per active series", r -> (double) r.peakRssBytes() / series, "%.0f");
        row(md, results, "live Java heap bytes per active series after a full GC (JVM only)",
                r -> (double) r.liveHeapBytes() / series, "%.0f");
        row(md, results, "flush + merge seconds", Result::flushMergeSeconds, "%.1f");
        Result any = results.values().iterator().next();
        for (String q : any.latencyMs().keySet()) {
            row(md, results, "median ms: `" + q + "` (" + any.seriesRead().get(q) + " series)",
                    r -> r.latencyMs().get(q)[QUERY_RUNS / 2], "%.1f");
        }
        System.out.println();
        System.out.println(md);
    }

    private static void row(StringBuilder md, Map<String, Result> results, String name,
            java.util.function.ToDoubleFunction<Result> f, String fmt) {
        md.append("| ").append(name).append(" |");
        List<Double> vs = new ArrayList<>();
        for (Result r : results.values()) {
            double v = f.applyAsDouble(r);
            vs.add(v);
            md.append(' ').append(String.format(Locale.ROOT, fmt, v)).append(" |");
        }
        if (vs.size() == 2) {
            md.append(' ').append(String.format(Locale.ROOT, "%.2f", vs.get(0) / vs.get(1))).append(" |");
        }
        md.append('\n');
    }
}
