package io.basalt.bench.tsdb;

import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.EngineConfig;
import io.basalt.tsdb.EngineStatus;
import io.basalt.tsdb.TsdbEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Ingests node_exporter-like data into a fresh {@link TsdbEngine} and prints bytes/sample after flush and merge,
 * CPU-seconds per million samples and RSS per series. Figures are for humans and docs, never for assertions.
 *
 * <p>Usage: {@code TsdbIngestBench [series=10000] [scrapes=60] [dataDir=temp]}; the full-scale run is
 * {@code 100000 200} (20M samples).
 */
public final class TsdbIngestBench {

    private static final long SCRAPE_MS = 15_000;

    private TsdbIngestBench() {
    }

    public static void main(String[] args) throws IOException {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path data = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("basalt-tsdb-bench");
        int instances = Math.max(1, series / NodeExporterData.SERIES_PER_INSTANCE);
        NodeExporterData gen = new NodeExporterData(instances, 1);
        int total = gen.labels.length;
        long rssBefore = rssBytes();
        long heapBefore = heapAfterGc();
        long cpuBefore = processCpuNanos();
        long wallBefore = System.nanoTime();
        long start = System.currentTimeMillis() - scrapes * SCRAPE_MS;
        Random jitter = new Random(7);
        EngineConfig config = EngineConfig.builder(data).build();
        long samples = 0;
        try (TsdbEngine engine = TsdbEngine.open(config)) {
            for (int scrape = 0; scrape < scrapes; scrape++) {
                for (int inst = 0; inst < instances; inst++) {
                    // One remote-write-like request per target and scrape; 5% of scrapes land a few ms late.
                    long ts = start + scrape * SCRAPE_MS + (jitter.nextInt(20) == 0 ? jitter.nextInt(8) : 0);
                    List<TimeSeries> batch = new ArrayList<>(NodeExporterData.SERIES_PER_INSTANCE);
                    for (int s = inst * NodeExporterData.SERIES_PER_INSTANCE;
                            s < (inst + 1) * NodeExporterData.SERIES_PER_INSTANCE; s++) {
                        batch.add(TimeSeries.single(gen.labels[s], ts, gen.next(s)));
                    }
                    engine.append(TenantId.DEFAULT, batch);
                    samples += batch.size();
                }
            }
            long ingestCpu = processCpuNanos() - cpuBefore;
            long ingestWall = System.nanoTime() - wallBefore;
            long rssAfter = rssBytes();
            long heapWithHead = heapAfterGc();
            long headSamples = engine.status().headSamples();
            engine.flush();
            long afterFlush = partBytes(engine);
            int partsAfterFlush = engine.status().parts();
            long heapFlushed = heapAfterGc();
            engine.forceMerge();
            EngineStatus status = engine.status();
            long merged = partBytes(engine);
            long heapMerged = heapAfterGc();
            long totalCpu = processCpuNanos() - cpuBefore;
            System.out.printf("series=%d scrapes=%d samples=%d%n", total, scrapes, samples);
            System.out.printf("bytes/sample after flush, before the final merge: %.3f (%d bytes in %d parts)%n",
                    (double) afterFlush / samples, afterFlush, partsAfterFlush);
            System.out.printf("bytes/sample after merge: %.3f (%d bytes in %d parts)%n", (double) merged / samples,
                    merged, status.parts());
            System.out.printf("ingest: %.2f CPU-s per million samples, %.0f samples/s wall%n",
                    ingestCpu / 1e9 / (samples / 1e6), samples / (ingestWall / 1e9));
            System.out.printf("ingest+flush+merge: %.2f CPU-s per million samples%n",
                    totalCpu / 1e9 / (samples / 1e6));
            System.out.printf("RSS growth per series while ingesting: %.0f bytes%n",
                    (double) (rssAfter - rssBefore) / total);
            System.out.printf("live heap per series: %.0f bytes with the head (%d samples unflushed), %.0f after"
                    + " flush, %.0f after the final merge (labels, ids, index, part tables)%n",
                    (double) (heapWithHead - heapBefore) / total, headSamples,
                    (double) (heapFlushed - heapBefore) / total, (double) (heapMerged - heapBefore) / total);
        }
        if (args.length <= 2) {
            try (Stream<Path> s = Files.walk(data)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long partBytes(TsdbEngine engine) {
        EngineStatus s = engine.status();
        return s.diskUsageBytes() - s.walSizeBytes();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }
}
