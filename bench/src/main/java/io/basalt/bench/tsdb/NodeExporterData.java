package io.basalt.bench.tsdb;

import io.basalt.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic series shaped like node_exporter output: float CPU counters with two decimals, integer byte counters,
 * page-aligned memory gauges, two-decimal load gauges, cumulative histogram buckets and constant info series.
 * Each instance exposes {@link #SERIES_PER_INSTANCE} series; values evolve per scrape like the real thing.
 */
final class NodeExporterData {

    static final int SERIES_PER_INSTANCE = 100;

    private static final String[] MODES = { "idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice" };

    private static final String[] LE = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
        "10", "+Inf" };

    enum Kind { CPU_COUNTER, BYTE_COUNTER, MEMORY_GAUGE, LOAD_GAUGE, BUCKET, CONSTANT }

    final Labels[] labels;

    final Kind[] kinds;

    final double[] state;

    /** Per-series scale of change per scrape, fixed at creation: idle CPUs tick fast, docker0 sits at zero. */
    final int[] rate;

    private final Random random;

    NodeExporterData(int instances, long seed) {
        random = new Random(seed);
        List<Labels> ls = new ArrayList<>();
        List<Kind> ks = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String instance = "10.0." + (i / 250) + "." + (i % 250) + ":9100";
            for (int cpu = 0; cpu < 4; cpu++) {
                for (String mode : MODES) {
                    add(ls, ks, Kind.CPU_COUNTER, instance, "node_cpu_seconds_total", "cpu", "" + cpu, "mode", mode);
                }
            }
            for (String dev : new String[] { "eth0", "eth1", "lo", "docker0" }) {
                for (String dir : new String[] { "receive", "transmit" }) {
                    add(ls, ks, Kind.BYTE_COUNTER, instance, "node_network_" + dir + "_bytes_total", "device", dev);
                    add(ls, ks, Kind.BYTE_COUNTER, instance, "node_network_" + dir + "_packets_total", "device", dev);
                }
            }
            for (String m : new String[] { "MemFree", "MemAvailable", "Cached", "Buffers", "Active", "Inactive",
                "Dirty", "Slab" }) {
                add(ls, ks, Kind.MEMORY_GAUGE, instance, "node_memory_" + m + "_bytes");
            }
            for (String l : new String[] { "node_load1", "node_load5", "node_load15" }) {
                add(ls, ks, Kind.LOAD_GAUGE, instance, l);
            }
            for (String h : new String[] { "get", "post" }) {
                for (String le : LE) {
                    add(ls, ks, Kind.BUCKET, instance, "http_request_duration_seconds_bucket", "method", h, "le", le);
                }
            }
            while (ls.size() < (i + 1) * SERIES_PER_INSTANCE) {
                add(ls, ks, Kind.CONSTANT, instance, "node_info_" + (ls.size() % SERIES_PER_INSTANCE));
            }
        }
        labels = ls.toArray(Labels[]::new);
        kinds = ks.toArray(Kind[]::new);
        state = new double[labels.length];
        rate = new int[labels.length];
        for (int s = 0; s < state.length; s++) {
            rate[s] = rateOf(labels[s]);
            state[s] = switch (kinds[s]) {
                case CPU_COUNTER -> random.nextInt(10_000_000) / 100.0;
                case BYTE_COUNTER -> random.nextInt(1 << 30);
                case MEMORY_GAUGE -> 4096.0 * random.nextInt(4_000_000);
                case LOAD_GAUGE -> random.nextInt(400) / 100.0;
                case BUCKET -> 0;
                case CONSTANT -> s % 3 == 0 ? 1 : 3.6e9;
            };
        }
    }

    private static int rateOf(Labels l) {
        String mode = l.get("mode");
        String device = l.get("device");
        String name = l.metricName();
        if (!mode.isEmpty()) {
            return switch (mode) {
                case "idle" -> 100;
                case "user" -> 300;
                case "system" -> 100;
                case "iowait", "softirq" -> 10;
                case "irq" -> 3;
                default -> 0;
            };
        }
        if (!device.isEmpty()) {
            int base = switch (device) {
                case "eth0" -> 200_000;
                case "eth1" -> 5_000;
                case "lo" -> 1_000;
                default -> 0;
            };
            return name.endsWith("_packets_total") ? base / 1000 : base;
        }
        return switch (name) {
            case "node_memory_MemFree_bytes", "node_memory_MemAvailable_bytes" -> 200;
            case "node_memory_Dirty_bytes", "node_memory_Active_bytes" -> 50;
            case "node_memory_Cached_bytes", "node_memory_Inactive_bytes" -> 20;
            default -> 2;
        };
    }

    private static void add(List<Labels> ls, List<Kind> ks, Kind kind, String instance, String name,
            String... more) {
        Labels.Builder b = Labels.builder().add("__name__", name).add("instance", instance).add("job", "node");
        for (int i = 0; i < more.length; i += 2) {
            b.add(more[i], more[i + 1]);
        }
        ls.add(b.build());
        ks.add(kind);
    }

    /** Advances series {@code s} by one 15 s scrape and returns its new value. */
    double next(int s) {
        double v = state[s];
        v = switch (kinds[s]) {
            // idle CPU accrues nearly the whole 15 s per scrape, other modes a little, steal and nice nothing.
            case CPU_COUNTER -> Math.round(v * 100 + (rate[s] == 100 ? 1400 : 0) + random.nextInt(rate[s] + 1))
                / 100.0;
            case BYTE_COUNTER -> v + random.nextInt(rate[s] + 1);
            case MEMORY_GAUGE -> Math.max(0, v + 4096.0 * (random.nextInt(2 * rate[s] + 1) - rate[s]));
            case LOAD_GAUGE -> Math.max(0, Math.round(v * 100 + random.nextInt(21) - 10) / 100.0);
            case BUCKET -> v + bucketIncrement(s);
            case CONSTANT -> v;
        };
        state[s] = v;
        return v;
    }

    private double bucketIncrement(int s) {
        // Cumulative buckets: higher le buckets grow at least as fast.
        int le = s % LE.length;
        return random.nextInt(3 + le * 4);
    }
}
