package io.basalt.mockexporter.simulation;

import java.util.Arrays;

/**
 * The label vocabulary of the simulated HTTP API and how traffic spreads over it: methods and paths by weight (a few
 * hot paths, a long tail), statuses by how often each error occurs, and a typical latency per path.
 */
public final class TrafficShape {

    private static final String[] ALL_METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" };

    private static final double[] METHOD_WEIGHTS = { 1.0, 0.3, 0.1, 0.05, 0.05, 0.02, 0.01 };

    /** 200 first; the error codes after it in falling order of frequency. */
    private static final String[] ALL_STATUSES = { "200", "404", "500", "201", "204", "400", "401", "403", "409",
        "429", "502", "503", "504", "301", "304" };

    /** Upper bounds of the request-duration histogram, in seconds, as client libraries default them. */
    public static final double[] BUCKETS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

    public static final double[] QUANTILES = { 0.5, 0.9, 0.99 };

    private final String[] methods;

    private final double[] methodShare;

    private final String[] statuses;

    /** Chance that an error has status i, for i >= 1; entry 0 is unused. */
    private final double[] errorStatusShare;

    private final String[] paths;

    private final double[] pathShare;

    private final double[] pathMedianSeconds;

    public TrafficShape(int methods, int statuses, int paths) {
        if (methods < 1 || methods > ALL_METHODS.length || statuses < 1 || statuses > ALL_STATUSES.length
                || paths < 1) {
            throw new IllegalArgumentException("methods 1.." + ALL_METHODS.length + ", statuses 1.."
                    + ALL_STATUSES.length + " and paths >= 1, got " + methods + ", " + statuses + ", " + paths);
        }
        this.methods = Arrays.copyOf(ALL_METHODS, methods);
        this.methodShare = normalized(Arrays.copyOf(METHOD_WEIGHTS, methods));
        this.statuses = Arrays.copyOf(ALL_STATUSES, statuses);
        double[] errorWeights = new double[statuses];
        for (int s = 1; s < statuses; s++) {
            errorWeights[s] = 1.0 / s;
        }
        this.errorStatusShare = statuses > 1 ? normalized(errorWeights) : errorWeights;
        this.paths = new String[paths];
        double[] pathWeights = new double[paths];
        this.pathMedianSeconds = new double[paths];
        for (int p = 0; p < paths; p++) {
            this.paths[p] = p == 0 ? "/" : "/api/v1/resource" + p;
            // Zipf-like popularity: the root path is hottest and the tail is long.
            pathWeights[p] = 1.0 / (p + 1);
            // Between 10 ms and 140 ms, varying from path to path without a trend in the index.
            pathMedianSeconds[p] = 0.01 * (1 + (p * 7L) % 14);
        }
        this.pathShare = normalized(pathWeights);
    }

    private static double[] normalized(double[] weights) {
        double total = Arrays.stream(weights).sum();
        return Arrays.stream(weights).map(w -> w / total).toArray();
    }

    public int methodCount() {
        return methods.length;
    }

    public int statusCount() {
        return statuses.length;
    }

    public int pathCount() {
        return paths.length;
    }

    public String method(int m) {
        return methods[m];
    }

    public String status(int s) {
        return statuses[s];
    }

    public String path(int p) {
        return paths[p];
    }

    /** Fraction of a pod's requests that go to method {@code m} and path {@code p}. */
    public double share(int m, int p) {
        return methodShare[m] * pathShare[p];
    }

    double errorStatusShare(int s) {
        return errorStatusShare[s];
    }

    double pathMedianSeconds(int p) {
        return pathMedianSeconds[p];
    }
}
