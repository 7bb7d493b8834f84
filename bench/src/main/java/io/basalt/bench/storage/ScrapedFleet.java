package io.basalt.bench.storage;

import io.basalt.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hosts exposing node_exporter-like series, 100 per host: CPU-seconds counters with two decimals, byte and packet
 * counters, page-aligned memory gauges, load gauges with two decimals, filesystem fill ratios with three
 * significant decimals, cumulative histogram buckets and constant info series. Deterministic for a seed, so both
 * databases get the very same samples.
 */
final class ScrapedFleet {

    static final int SERIES_PER_HOST = 100;

    private static final String[] MODES = { "idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice" };

    private static final String[] LE = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
        "10", "+Inf" };

    private enum Kind { CPU, BYTES, PACKETS, MEMORY, LOAD, RATIO, BUCKET, CONSTANT }

    private final List<Labels> labels = new ArrayList<>();

    private final List<Kind> kinds = new ArrayList<>();

    private final double[] state;

    private final int[] speed;

    private final SplittableRandom random;

    ScrapedFleet(int hosts, long seed) {
        random = new SplittableRandom(seed);
        for (int h = 0; h < hosts; h++) {
            String instance = "10." + (h / 65536) + "." + (h / 256 % 256) + "." + (h % 256) + ":9100";
            for (int cpu = 0; cpu < 4; cpu++) {
                for (String mode : MODES) {
                    add(Kind.CPU, instance, "node_cpu_seconds_total", "cpu", Integer.toString(cpu), "mode", mode);
                }
            }
            for (String dev : new String[] { "eth0", "eth1", "lo", "docker0" }) {
                for (String dir : new String[] { "receive", "transmit" }) {
                    add(Kind.BYTES, instance, "node_network_" + dir + "_bytes_total", "device", dev);
                    add(Kind.PACKETS, instance, "node_network_" + dir + "_packets_total", "device", dev);
                }
            }
            for (String m : new String[] { "MemFree", "MemAvailable", "Cached", "Buffers", "Active", "Inactive" }) {
                add(Kind.MEMORY, instance, "node_memory_" + m + "_bytes");
            }
            for (String l : new String[] { "node_load1", "node_load5", "node_load15" }) {
                add(Kind.LOAD, instance, l);
            }
            for (String mount : new String[] { "/", "/var", "/home" }) {
                add(Kind.RATIO, instance, "node_filesystem_used_ratio", "mountpoint", mount);
            }
            for (String method : new String[] { "get", "post" }) {
                for (String le : LE) {
                    add(Kind.BUCKET, instance, "http_request_duration_seconds_bucket", "method", method, "le", le);
                }
            }
            for (int i = 0; labels.size() < (h + 1) * SERIES_PER_HOST; i++) {
                add(Kind.CONSTANT, instance, "node_info_" + i);
            }
        }
        state = new double[labels.size()];
        speed = new int[labels.size()];
        for (int s = 0; s < state.length; s++) {
            Kind k = kinds.get(s);
            speed[s] = 1 + random.nextInt(k == Kind.BYTES ? 100_000 : 100);
            state[s] = switch (k) {
                case CPU -> random.nextInt(10_000_000) / 100.0;
                case BYTES -> random.nextInt(1 << 30);
                case PACKETS -> random.nextInt(1 << 20);
                case MEMORY -> 4096.0 * random.nextInt(4_000_000);
                case LOAD -> random.nextInt(400) / 100.0;
                case RATIO -> random.nextInt(1000) / 1000.0;
                case BUCKET -> 0;
                case CONSTANT -> s % 3 == 0 ? 1 : 1.7e9 + random.nextInt(1000);
            };
        }
    }

    int size() {
        return labels.size();
    }

    Labels labels(int s) {
        return labels.get(s);
    }

    /** The value of series {@code s} at the next scrape. */
    double next(int s) {
        double v = state[s];
        v = switch (kinds.get(s)) {
            case CPU -> Math.round(v * 100 + random.nextInt(speed[s] * 15)) / 100.0;
            case BYTES, PACKETS -> v + random.nextInt(speed[s]);
            case MEMORY -> Math.max(0, v + 4096.0 * (random.nextInt(2 * speed[s] + 1) - speed[s]));
            case LOAD -> Math.max(0, Math.round(v * 100 + random.nextInt(21) - 10) / 100.0);
            case RATIO -> Math.min(1, Math.max(0, Math.round(v * 1000 + random.nextInt(3) - 1) / 1000.0));
            case BUCKET -> v + random.nextInt(1 + (s % LE.length) * 4);
            case CONSTANT -> v;
        };
        state[s] = v;
        return v;
    }

    private void add(Kind kind, String instance, String name, String... more) {
        Labels.Builder b = Labels.builder().add("__name__", name).add("instance", instance).add("job", "node");
        for (int i = 0; i < more.length; i += 2) {
            b.add(more[i], more[i + 1]);
        }
        labels.add(b.build());
        kinds.add(kind);
    }
}
