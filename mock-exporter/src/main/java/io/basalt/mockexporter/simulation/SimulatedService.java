package io.basalt.mockexporter.simulation;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;

/**
 * A fleet of simulated HTTP service instances whose counters, histograms and gauges move like a real service: a
 * traffic level that drifts, bursts, errors in proportion, and the occasional restart that resets counters.
 * Advanced once per scrape, so values depend only on the seed and the number of scrapes.
 */
@Component
public class SimulatedService {

    static final String[] METHODS = { "GET", "POST" };

    static final String[] STATUSES = { "200", "404", "500" };

    /** Upper bounds of the request-duration histogram, in seconds. */
    public static final double[] BUCKETS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

    public static final double[] QUANTILES = { 0.5, 0.9, 0.99 };

    private final MockExporterProperties props;

    private final Random random;

    private final List<Instance> instances;

    private long scrapes;

    public SimulatedService(MockExporterProperties props) {
        this.props = props;
        this.random = new Random(props.getSeed());
        this.instances = IntStream.range(0, props.getInstances()).mapToObj(i -> new Instance(i, props.getPaths()))
            .toList();
    }

    /** Moves every instance forward by one scrape interval. */
    public synchronized void advance() {
        scrapes++;
        for (Instance in : instances) {
            if (random.nextDouble() < props.getRestartProbability()) {
                in.restart(scrapes);
            }
            in.traffic = Math.max(1, in.traffic * (0.95 + 0.1 * random.nextDouble()) + (random.nextDouble() < 0.02
                    ? 50 * random.nextDouble() : 0));
            for (int m = 0; m < METHODS.length; m++) {
                for (int p = 0; p < in.paths; p++) {
                    int requests = (int) (in.traffic * (m == 0 ? 1.0 : 0.3) / (p + 1));
                    for (int r = 0; r < requests; r++) {
                        double roll = random.nextDouble();
                        int status = roll < 0.93 ? 0 : roll < 0.98 ? 1 : 2;
                        in.requests[m][p][status]++;
                        double latency = Math.exp(random.nextGaussian() * 0.8 - 3.5) * (status == 2 ? 4 : 1);
                        in.observe(m, p, latency);
                    }
                }
            }
            in.memoryBytes = 120e6 + 30e6 * Math.sin(scrapes / 50.0 + in.id) + 1e6 * random.nextDouble();
            in.inFlight = random.nextInt(1 + (int) (in.traffic / 10));
            in.heapUsedBytes = Math.min(512e6, in.heapUsedBytes + 2e6 * random.nextDouble());
            if (in.heapUsedBytes > 400e6) {
                in.heapUsedBytes = 80e6;
                in.gcCollections++;
            }
        }
    }

    public synchronized <T> T read(java.util.function.Function<List<Instance>, T> reader) {
        return reader.apply(instances);
    }

    @FunctionalInterface
    public interface RequestCountVisitor {
        void visit(String method, String path, String status, long count);
    }

    @FunctionalInterface
    public interface DurationVisitor {
        void visit(String method, String path, long[] cumulativeBuckets, double sum, long count);
    }

    /** One simulated instance; fields are read under the service's lock. */
    public static final class Instance {

        final int id;

        final int paths;

        double traffic = 20;

        final long[][][] requests;

        final long[][][] durationBuckets;

        final double[][] durationSum;

        final long[][] durationCount;

        final double[] recentLatencies = new double[256];

        int recentCount;

        double memoryBytes;

        double heapUsedBytes = 80e6;

        long gcCollections;

        int inFlight;

        long startScrape;

        Instance(int id, int paths) {
            this.id = id;
            this.paths = paths;
            this.requests = new long[METHODS.length][paths][STATUSES.length];
            this.durationBuckets = new long[METHODS.length][paths][BUCKETS.length];
            this.durationSum = new double[METHODS.length][paths];
            this.durationCount = new long[METHODS.length][paths];
        }

        void observe(int method, int path, double seconds) {
            for (int b = 0; b < BUCKETS.length; b++) {
                if (seconds <= BUCKETS[b]) {
                    durationBuckets[method][path][b]++;
                }
            }
            durationSum[method][path] += seconds;
            durationCount[method][path]++;
            recentLatencies[recentCount++ % recentLatencies.length] = seconds;
        }

        void restart(long scrape) {
            for (int m = 0; m < METHODS.length; m++) {
                for (int p = 0; p < paths; p++) {
                    java.util.Arrays.fill(requests[m][p], 0);
                    java.util.Arrays.fill(durationBuckets[m][p], 0);
                    durationSum[m][p] = 0;
                    durationCount[m][p] = 0;
                }
            }
            gcCollections = 0;
            startScrape = scrape;
        }

        /** Visits every (method, path, status) request counter. */
        public void forEachRequestCount(RequestCountVisitor visitor) {
            for (int m = 0; m < METHODS.length; m++) {
                for (int p = 0; p < paths; p++) {
                    for (int s = 0; s < STATUSES.length; s++) {
                        visitor.visit(METHODS[m], path(p), STATUSES[s], requests[m][p][s]);
                    }
                }
            }
        }

        /** Visits every (method, path) latency histogram: cumulative bucket counts, sum and count. */
        public void forEachDuration(DurationVisitor visitor) {
            for (int m = 0; m < METHODS.length; m++) {
                for (int p = 0; p < paths; p++) {
                    visitor.visit(METHODS[m], path(p), durationBuckets[m][p], durationSum[m][p],
                            durationCount[m][p]);
                }
            }
        }

        public double totalDurationSeconds() {
            double sum = 0;
            for (double[] byPath : durationSum) {
                for (double s : byPath) {
                    sum += s;
                }
            }
            return sum;
        }

        public long totalRequests() {
            long n = 0;
            for (long[] byPath : durationCount) {
                for (long c : byPath) {
                    n += c;
                }
            }
            return n;
        }

        public int inFlight() {
            return inFlight;
        }

        public double memoryBytes() {
            return memoryBytes;
        }

        public double heapUsedBytes() {
            return heapUsedBytes;
        }

        public long gcCollections() {
            return gcCollections;
        }

        public String pod() {
            return "api-" + id;
        }

        public String path(int p) {
            return p == 0 ? "/" : "/api/v1/resource" + p;
        }

        /** The q-quantile of the latest observed latencies (a summary's sliding window). */
        public double quantile(double q) {
            int n = Math.min(recentCount, recentLatencies.length);
            if (n == 0) {
                return Double.NaN;
            }
            double[] copy = java.util.Arrays.copyOf(recentLatencies, n);
            java.util.Arrays.sort(copy);
            return copy[Math.min(n - 1, (int) Math.floor(q * n))];
        }
    }
}
