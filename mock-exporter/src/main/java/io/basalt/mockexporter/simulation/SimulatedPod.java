package io.basalt.mockexporter.simulation;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One simulated pod of the HTTP service: request counters per (method, path, status), a latency histogram per
 * (method, path), a backend-call summary and process/JVM gauges. Its load drifts around the configured rate, bursts
 * now and then (more traffic, more errors, slower answers), and a restart sets every counter back to zero.
 *
 * <p>Not thread-safe: {@link SimulatedFleet} advances and reads it under its lock.
 */
public final class SimulatedPod {

    private static final int BUCKETS = TrafficShape.BUCKETS.length;

    private static final double LATENCY_SIGMA = 0.6;

    private static final double BACKEND_MEDIAN_SECONDS = 0.03;

    private final TrafficShape shape;

    private final int slot;

    private final String name;

    private final int nodeIndex;

    private final int generation;

    private long startTick;

    private final double phase;

    private final double baseErrorRatio;

    private double logLoad;

    private long burstTicksLeft;

    private double burstFactor = 1;

    /** Indexed by ((m * paths + p) * statuses + s). */
    private final long[] requests;

    /** Cumulative bucket counts, indexed by ((m * paths + p) * buckets + b). */
    private final long[] bucketCounts;

    /** Indexed by (m * paths + p) like {@link #durationCount} and {@link #requestRate}. */
    private final double[] durationSum;

    private final long[] durationCount;

    private final double[] requestRate;

    private double rpcSum;

    private long rpcCount;

    private final double[] rpcQuantiles = new double[TrafficShape.QUANTILES.length];

    private long inFlight;

    private double residentBytes;

    private double heapBytes;

    private double nonHeapBytes;

    private long gcCollections;

    private double cpuSeconds;

    private long openFds;

    SimulatedPod(TrafficShape shape, int slot, int generation, String name, int nodeIndex, long startTick,
            RandomGenerator random) {
        this.shape = shape;
        this.slot = slot;
        this.generation = generation;
        this.name = name;
        this.nodeIndex = nodeIndex;
        this.startTick = startTick;
        this.phase = 2 * Math.PI * random.nextDouble();
        this.baseErrorRatio = 0.005 + 0.015 * random.nextDouble();
        int cells = shape.methodCount() * shape.pathCount();
        this.requests = new long[cells * shape.statusCount()];
        this.bucketCounts = new long[cells * BUCKETS];
        this.durationSum = new double[cells];
        this.durationCount = new long[cells];
        this.requestRate = new double[cells];
        Arrays.fill(rpcQuantiles, Double.NaN);
        resetProcess();
    }

    /** Moves this pod through one tick of {@code stepSeconds} at fleet time {@code tick}. */
    void advance(long tick, double stepSeconds, double baseRps, double[] cdfScratch, RandomGenerator random) {
        // Load is a mean-reverting walk in log space (about 30 s memory, 30% spread), whatever the step.
        double keep = Math.exp(-stepSeconds / 30);
        logLoad = keep * logLoad + 0.3 * Math.sqrt(1 - keep * keep) * random.nextGaussian();
        if (burstTicksLeft > 0) {
            burstTicksLeft--;
        }
        else if (random.nextDouble() < stepSeconds / 600) {
            burstTicksLeft = (long) Math.ceil((10 + 50 * random.nextDouble()) / stepSeconds);
            burstFactor = 2 + 3 * random.nextDouble();
        }
        boolean bursting = burstTicksLeft > 0;
        double fleetSeconds = tick * stepSeconds;
        double hourly = 1 + 0.3 * Math.sin(2 * Math.PI * fleetSeconds / 3600 + phase);
        double rps = baseRps * Math.exp(logLoad) * hourly * (bursting ? burstFactor : 1);
        double errorRatio = Math.min(0.5, baseErrorRatio * (bursting ? 5 : 1));
        double slowdown = Math.log(bursting ? 1.8 : 1) + 0.05 * random.nextGaussian();
        double meanOverMedian = Math.exp(LATENCY_SIGMA * LATENCY_SIGMA / 2);

        long served = 0;
        double servedSeconds = 0;
        int paths = shape.pathCount();
        int statuses = shape.statusCount();
        for (int p = 0; p < paths; p++) {
            double mu = Math.log(shape.pathMedianSeconds(p)) + slowdown;
            for (int b = 0; b < BUCKETS; b++) {
                cdfScratch[b] = Distributions.normalCdf((Math.log(TrafficShape.BUCKETS[b]) - mu) / LATENCY_SIGMA);
            }
            double meanSeconds = Math.exp(mu) * meanOverMedian;
            for (int m = 0; m < shape.methodCount(); m++) {
                int cell = m * paths + p;
                double expected = rps * stepSeconds * shape.share(m, p);
                requestRate[cell] = expected / stepSeconds;
                long n = Distributions.poisson(random, expected);
                if (n == 0) {
                    continue;
                }
                countStatuses(cell * statuses, n, errorRatio, random);
                // One shared offset keeps the rounded cumulative counts non-decreasing across buckets.
                double offset = random.nextDouble();
                int base = cell * BUCKETS;
                for (int b = 0; b < BUCKETS; b++) {
                    bucketCounts[base + b] += (long) Math.floor(n * cdfScratch[b] + offset);
                }
                double seconds = n * meanSeconds * Math.max(0.5, 1 + 0.05 * random.nextGaussian());
                durationSum[cell] += seconds;
                durationCount[cell] += n;
                served += n;
                servedSeconds += seconds;
            }
        }

        rpcCount += served;
        rpcSum += servedSeconds;
        double noise = Math.max(0.5, 1 + 0.03 * random.nextGaussian());
        double backendMu = Math.log(BACKEND_MEDIAN_SECONDS) + slowdown;
        for (int q = 0; q < rpcQuantiles.length; q++) {
            rpcQuantiles[q] = Math.exp(backendMu + LATENCY_SIGMA * Distributions.zScore(TrafficShape.QUANTILES[q]))
                    * noise;
        }

        // Little's law: requests in flight are the arrival rate times the time each one takes.
        inFlight = Distributions.poisson(random, rps * BACKEND_MEDIAN_SECONDS * meanOverMedian);
        openFds = 40 + inFlight + Distributions.poisson(random, 2);
        heapBytes += stepSeconds * (1e6 + rps * 40e3) * (0.5 + random.nextDouble());
        if (heapBytes > 400e6) {
            heapBytes = 60e6 + 20e6 * random.nextDouble();
            gcCollections++;
        }
        double ageSeconds = (tick - startTick) * stepSeconds;
        nonHeapBytes = 70e6 + 15e6 * (1 - Math.exp(-ageSeconds / 900));
        residentBytes = Math.rint(160e6 + 40e6 * (1 - Math.exp(-ageSeconds / 600))
                + 8e6 * Math.sin(fleetSeconds / 300 + phase) + 0.3 * heapBytes + 1e6 * random.nextDouble());
        cpuSeconds += stepSeconds * (0.02 + 0.0015 * rps) * (0.8 + 0.4 * random.nextDouble());
    }

    /** Splits {@code n} requests into successes and errors, the errors spread over the error statuses. */
    private void countStatuses(int base, long n, double errorRatio, RandomGenerator random) {
        int statuses = shape.statusCount();
        long errors = statuses > 1 ? Math.min(n, Distributions.poisson(random, n * errorRatio)) : 0;
        requests[base] += n - errors;
        if (errors == 0) {
            return;
        }
        if (errors <= 32) {
            for (long e = 0; e < errors; e++) {
                requests[base + errorStatus(random.nextDouble())]++;
            }
            return;
        }
        long assigned = 0;
        for (int s = 2; s < statuses; s++) {
            long share = Math.round(errors * shape.errorStatusShare(s));
            share = Math.min(share, errors - assigned);
            requests[base + s] += share;
            assigned += share;
        }
        requests[base + 1] += errors - assigned;
    }

    private int errorStatus(double roll) {
        double cumulative = 0;
        for (int s = 1; s < shape.statusCount() - 1; s++) {
            cumulative += shape.errorStatusShare(s);
            if (roll < cumulative) {
                return s;
            }
        }
        return shape.statusCount() - 1;
    }

    /** The process starts over at {@code tick}: counters from zero, a fresh heap. */
    void restart(long tick) {
        startTick = tick;
        Arrays.fill(requests, 0);
        Arrays.fill(bucketCounts, 0);
        Arrays.fill(durationSum, 0);
        Arrays.fill(durationCount, 0);
        rpcSum = 0;
        rpcCount = 0;
        Arrays.fill(rpcQuantiles, Double.NaN);
        burstTicksLeft = 0;
        resetProcess();
    }

    private void resetProcess() {
        heapBytes = 60e6;
        nonHeapBytes = 70e6;
        residentBytes = 160e6;
        gcCollections = 0;
        cpuSeconds = 0;
        inFlight = 0;
        openFds = 40;
    }

    public int slot() {
        return slot;
    }

    /** How many times this slot's pod was replaced by a new one before this one. */
    public int generation() {
        return generation;
    }

    /** The value of the label {@code pod}. */
    public String name() {
        return name;
    }

    /** Which simulated node (of {@link SimulatedFleet#nodes()}) the pod runs on. */
    public int nodeIndex() {
        return nodeIndex;
    }

    public long startTick() {
        return startTick;
    }

    public long requests(int method, int path, int status) {
        return requests[(method * shape.pathCount() + path) * shape.statusCount() + status];
    }

    /** Requests of this (method, path) that took at most {@code TrafficShape.BUCKETS[bucket]} seconds. */
    public long bucketCount(int method, int path, int bucket) {
        return bucketCounts[(method * shape.pathCount() + path) * BUCKETS + bucket];
    }

    public double durationSum(int method, int path) {
        return durationSum[method * shape.pathCount() + path];
    }

    public long durationCount(int method, int path) {
        return durationCount[method * shape.pathCount() + path];
    }

    /** The request rate per second this (method, path) was expected to see during the last tick. */
    public double requestRate(int method, int path) {
        return requestRate[method * shape.pathCount() + path];
    }

    public double rpcSum() {
        return rpcSum;
    }

    public long rpcCount() {
        return rpcCount;
    }

    /** The backend latency at {@code TrafficShape.QUANTILES[index]}; NaN before the first observation. */
    public double rpcQuantile(int index) {
        return rpcQuantiles[index];
    }

    public long inFlight() {
        return inFlight;
    }

    public double residentBytes() {
        return residentBytes;
    }

    public double heapBytes() {
        return heapBytes;
    }

    public double nonHeapBytes() {
        return nonHeapBytes;
    }

    public long gcCollections() {
        return gcCollections;
    }

    public double cpuSeconds() {
        return cpuSeconds;
    }

    public long openFds() {
        return openFds;
    }
}
