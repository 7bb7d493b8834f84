package io.basalt.mockexporter.exposition;

import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.mockexporter.simulation.SimulatedPod;
import io.basalt.mockexporter.simulation.TrafficShape;
import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionWriter;
import java.util.function.ToDoubleFunction;

/**
 * Writes the fleet's current state as a metrics page, through libs/wire's {@link ExpositionWriter}, in either text
 * format. A virtual target is the same fleet with one more label, {@code target="<n>"}, on every series, so many
 * targets scraped from one process never collide even when the scraper gives them the same {@code instance}.
 */
public final class FleetPage {

    /** The label that tells virtual targets apart. */
    public static final String TARGET_LABEL = "target";

    static final String VERSION = "0.1.0";

    private static final String[] BUCKET_BOUNDS = new String[TrafficShape.BUCKETS.length + 1];

    private static final String[] QUANTILE_VALUES = new String[TrafficShape.QUANTILES.length];

    static {
        for (int b = 0; b < TrafficShape.BUCKETS.length; b++) {
            BUCKET_BOUNDS[b] = number(TrafficShape.BUCKETS[b]);
        }
        BUCKET_BOUNDS[TrafficShape.BUCKETS.length] = "+Inf";
        for (int q = 0; q < TrafficShape.QUANTILES.length; q++) {
            QUANTILE_VALUES[q] = number(TrafficShape.QUANTILES[q]);
        }
    }

    private final SimulatedFleet fleet;

    private final boolean debugFamilies;

    public FleetPage(SimulatedFleet fleet, boolean debugFamilies) {
        this.fleet = fleet;
        this.debugFamilies = debugFamilies;
    }

    /**
     * Writes the page as the fleet stands now (it is not advanced here).
     *
     * @param target the virtual target's number, or null for the plain page without a {@code target} label
     */
    public void write(Appendable out, ExpositionFormat format, String target) {
        fleet.read(f -> {
            new Writing(f, new ExpositionWriter(out, format), format, target).page();
            return null;
        });
    }

    /** A page as a string; convenient for tests and small pages. */
    public String render(ExpositionFormat format, String target) {
        StringBuilder out = new StringBuilder(64 * 1024);
        write(out, format, target);
        return out.toString();
    }

    /** Series on one page (one target), from the settings alone. */
    public long seriesPerTarget() {
        TrafficShape shape = fleet.shape();
        long pods = fleet.pods().size();
        long cells = pods * shape.methodCount() * shape.pathCount();
        long perCell = shape.statusCount() + (TrafficShape.BUCKETS.length + 3) + (debugFamilies ? 1 : 0);
        long perPod = 1 + (TrafficShape.QUANTILES.length + 2) + 8;
        return 1 + fleet.nodes() + pods * perPod + cells * perCell;
    }

    /** Label values as Go's client writes them: integers without a fraction, others in shortest form. */
    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static String zone(int nodeIndex) {
        return "zone-" + (char) ('a' + nodeIndex % 3);
    }

    /** One page being written; holds the fleet's lock through {@link SimulatedFleet#read}. */
    private final class Writing {

        private final SimulatedFleet fleet;

        private final ExpositionWriter out;

        private final ExpositionFormat format;

        private final String target;

        private final TrafficShape shape;

        Writing(SimulatedFleet fleet, ExpositionWriter out, ExpositionFormat format, String target) {
            this.fleet = fleet;
            this.out = out;
            this.format = format;
            this.target = target;
            this.shape = fleet.shape();
        }

        void page() {
            family(MockFamily.BUILD_INFO);
            sample(MockFamily.BUILD_INFO.sampleName(), 1, "revision", "basalt", "version", VERSION);
            family(MockFamily.NODE_UNAME_INFO);
            for (int n = 0; n < fleet.nodes(); n++) {
                sample(MockFamily.NODE_UNAME_INFO.sampleName(), 1, "machine", "x86_64", "nodename", "node-" + n,
                        "release", "6.1.0-" + (18 + n % 3) + "-amd64", "sysname", "Linux");
            }
            family(MockFamily.POD_INFO);
            for (SimulatedPod pod : fleet.pods()) {
                sample(MockFamily.POD_INFO.sampleName(), 1, "image", "registry.local/api:1." + pod.generation(),
                        "node", "node-" + pod.nodeIndex(), "pod", pod.name(), "zone", zone(pod.nodeIndex()));
            }
            requests();
            durations();
            rpcDurations();
            perPod(MockFamily.HTTP_REQUESTS_IN_FLIGHT, SimulatedPod::inFlight);
            perPod(MockFamily.PROCESS_RESIDENT_MEMORY, SimulatedPod::residentBytes);
            perPod(MockFamily.PROCESS_START_TIME, pod -> fleet.epochSeconds(pod.startTick()));
            perPod(MockFamily.PROCESS_CPU, SimulatedPod::cpuSeconds);
            perPod(MockFamily.PROCESS_OPEN_FDS, SimulatedPod::openFds);
            family(MockFamily.JVM_MEMORY_USED);
            for (SimulatedPod pod : fleet.pods()) {
                sample(MockFamily.JVM_MEMORY_USED.sampleName(), pod.heapBytes(), "area", "heap", "pod", pod.name());
                sample(MockFamily.JVM_MEMORY_USED.sampleName(), pod.nonHeapBytes(), "area", "nonheap", "pod",
                        pod.name());
            }
            perPod(MockFamily.JVM_GC_COLLECTIONS, SimulatedPod::gcCollections);
            if (debugFamilies) {
                debugRates();
            }
            out.finish();
        }

        private void requests() {
            family(MockFamily.HTTP_REQUESTS);
            String name = MockFamily.HTTP_REQUESTS.sampleName();
            for (SimulatedPod pod : fleet.pods()) {
                for (int m = 0; m < shape.methodCount(); m++) {
                    for (int p = 0; p < shape.pathCount(); p++) {
                        for (int s = 0; s < shape.statusCount(); s++) {
                            sample(name, pod.requests(m, p, s), "method", shape.method(m), "path", shape.path(p),
                                    "pod", pod.name(), "status", shape.status(s));
                        }
                    }
                }
            }
        }

        private void durations() {
            family(MockFamily.HTTP_REQUEST_DURATION);
            String base = MockFamily.HTTP_REQUEST_DURATION.sampleName();
            String bucket = base + "_bucket";
            for (SimulatedPod pod : fleet.pods()) {
                for (int m = 0; m < shape.methodCount(); m++) {
                    for (int p = 0; p < shape.pathCount(); p++) {
                        String method = shape.method(m);
                        String path = shape.path(p);
                        for (int b = 0; b < TrafficShape.BUCKETS.length; b++) {
                            sample(bucket, pod.bucketCount(m, p, b), "le", BUCKET_BOUNDS[b], "method", method,
                                    "path", path, "pod", pod.name());
                        }
                        long count = pod.durationCount(m, p);
                        sample(bucket, count, "le", "+Inf", "method", method, "path", path, "pod", pod.name());
                        sample(base + "_sum", pod.durationSum(m, p), "method", method, "path", path, "pod",
                                pod.name());
                        sample(base + "_count", count, "method", method, "path", path, "pod", pod.name());
                    }
                }
            }
        }

        private void rpcDurations() {
            family(MockFamily.RPC_DURATION);
            String base = MockFamily.RPC_DURATION.sampleName();
            for (SimulatedPod pod : fleet.pods()) {
                for (int q = 0; q < QUANTILE_VALUES.length; q++) {
                    sample(base, pod.rpcQuantile(q), "pod", pod.name(), "quantile", QUANTILE_VALUES[q]);
                }
                sample(base + "_sum", pod.rpcSum(), "pod", pod.name());
                sample(base + "_count", pod.rpcCount(), "pod", pod.name());
            }
        }

        private void debugRates() {
            family(MockFamily.DEBUG_REQUEST_RATE);
            String name = MockFamily.DEBUG_REQUEST_RATE.sampleName();
            for (SimulatedPod pod : fleet.pods()) {
                for (int m = 0; m < shape.methodCount(); m++) {
                    for (int p = 0; p < shape.pathCount(); p++) {
                        sample(name, pod.requestRate(m, p), "method", shape.method(m), "path", shape.path(p), "pod",
                                pod.name());
                    }
                }
            }
        }

        private void perPod(MockFamily family, ToDoubleFunction<SimulatedPod> value) {
            family(family);
            for (SimulatedPod pod : fleet.pods()) {
                sample(family.sampleName(), value.applyAsDouble(pod), "pod", pod.name());
            }
        }

        private void family(MockFamily family) {
            out.family(family.metadata(format));
        }

        /** {@code pairs} alternate label names and values, names in ascending order so no sort is needed. */
        private void sample(String name, double value, String... pairs) {
            Labels.Builder labels = Labels.builder().add(Labels.METRIC_NAME, name);
            for (int i = 0; i < pairs.length; i += 2) {
                labels.add(pairs[i], pairs[i + 1]);
            }
            if (target != null) {
                labels.add(TARGET_LABEL, target);
            }
            out.sample(labels.build(), value);
        }
    }
}
