package io.basalt.tsdb;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link CrashSafetyTest}: appends deterministic batches forever (bounded) and prints
 * {@code ACK <batch>} after each append returns, until the parent kills it.
 */
public final class CrashChild {

    static final int SERIES = 20;

    static final int SAMPLES = 3;

    private CrashChild() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        long t0 = Long.parseLong(args[1]);
        int start = Integer.parseInt(args[2]);
        EngineConfig config = EngineConfig.builder(data).minFreeDiskSpaceBytes(0)
            .headFlushInterval(Duration.ofMillis(300)).walSegmentBytes(64 * 1024).build();
        TsdbEngine engine = TsdbEngine.open(config);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int b = start; b < start + 1_000_000 && System.nanoTime() < deadline; b++) {
            engine.append(TenantId.DEFAULT, batch(t0, b));
            System.out.println("ACK " + b);
            System.out.flush();
        }
        engine.close();
    }

    static Labels labels(int series) {
        return Labels.of("__name__", "crash_test_metric", "series", Integer.toString(series));
    }

    static long timestamp(long t0, int batch, int k) {
        return t0 + batch * (long) SAMPLES + k;
    }

    /** Deterministic bit patterns, including the staleness marker, NaN payloads and -0.0. */
    static double value(int batch, int series, int k) {
        long h = batch * 0x9E3779B97F4A7C15L + series * 0xC2B2AE3D27D4EB4FL + k * 0x165667B19E3779F9L;
        h ^= h >>> 29;
        return switch ((int) Math.floorMod(h, 7)) {
            case 0 -> Double.longBitsToDouble(0x7ff0000000000002L);
            case 1 -> -0.0;
            case 2 -> Double.longBitsToDouble(h | 0x7ff0000000000001L);
            case 3 -> (h % 100_000) / 100.0;
            default -> Double.longBitsToDouble(h);
        };
    }

    static List<TimeSeries> batch(long t0, int b) {
        List<TimeSeries> out = new ArrayList<>(SERIES);
        for (int s = 0; s < SERIES; s++) {
            long[] ts = new long[SAMPLES];
            double[] vs = new double[SAMPLES];
            for (int k = 0; k < SAMPLES; k++) {
                // Reverse order on odd batches: ingestion must accept any order.
                int slot = b % 2 == 0 ? k : SAMPLES - 1 - k;
                ts[slot] = timestamp(t0, b, k);
                vs[slot] = value(b, s, k);
            }
            out.add(new TimeSeries(labels(s), ts, vs));
        }
        return out;
    }
}
