package io.basalt.promql.engine;

/**
 * The range functions that give at most one value per window ({@link Functions#ONE_ELEMENT_PER_WINDOW}), over a
 * window given as an index range {@code [from, to]} of a series' samples with stale markers removed. Taking index
 * ranges instead of copied windows lets a range query slide one window along a series for all its steps
 * ({@link SeriesWise}) while the step-by-step path uses the very same arithmetic.
 */
enum WindowFunctions {

    RATE, INCREASE, DELTA, IRATE, SUM_OVER_TIME, AVG_OVER_TIME, COUNT_OVER_TIME, PRESENT_OVER_TIME, LAST_OVER_TIME,
    MIN_OVER_TIME, MAX_OVER_TIME, STDDEV_OVER_TIME, STDVAR_OVER_TIME;

    /** The function called {@code name}, or null when it is not one of these. */
    static WindowFunctions named(String name) {
        return switch (name) {
            case "rate" -> RATE;
            case "increase" -> INCREASE;
            case "delta" -> DELTA;
            case "irate" -> IRATE;
            case "sum_over_time" -> SUM_OVER_TIME;
            case "avg_over_time" -> AVG_OVER_TIME;
            case "count_over_time" -> COUNT_OVER_TIME;
            case "present_over_time" -> PRESENT_OVER_TIME;
            case "last_over_time" -> LAST_OVER_TIME;
            case "min_over_time" -> MIN_OVER_TIME;
            case "max_over_time" -> MAX_OVER_TIME;
            case "stddev_over_time" -> STDDEV_OVER_TIME;
            case "stdvar_over_time" -> STDVAR_OVER_TIME;
            default -> null;
        };
    }

    /** Whether the result keeps the series' metric name (only last_over_time does). */
    boolean keepsName() {
        return this == LAST_OVER_TIME;
    }

    /** Whether the window {@code [from, to]} gives a value; when not, the series is absent at that step. */
    boolean definedOn(long[] ts, int from, int to) {
        int n = to - from + 1;
        return switch (this) {
            case RATE, INCREASE, DELTA -> n >= 2;
            case IRATE -> n >= 2 && ts[to] != ts[to - 1];
            default -> n >= 1;
        };
    }

    /** Whether the function looks for counter resets, which {@link #dropsUpTo} lets it skip where there are none. */
    boolean countsResets() {
        return this == RATE || this == INCREASE;
    }

    /**
     * For each sample, how many samples up to it are lower than the one before: a window {@code [from, to]} holds a
     * counter reset exactly when {@code drops[to] != drops[from]}. Computed once per series, it spares each of a
     * range query's steps the scan for resets that counters seldom have.
     */
    static int[] dropsUpTo(double[] vs) {
        int[] drops = new int[vs.length];
        for (int i = 1; i < vs.length; i++) {
            drops[i] = drops[i - 1] + (vs[i] < vs[i - 1] ? 1 : 0);
        }
        return drops;
    }

    /**
     * The value over samples {@code [from, to]} of a window {@code [windowStart, windowEnd]} of a selector with
     * range {@code rangeMs}; only called where {@link #definedOn} holds. {@code drops} is the series'
     * {@link #dropsUpTo}, or null to scan the window for resets.
     */
    double apply(long[] ts, double[] vs, int[] drops, int from, int to, long windowStart, long windowEnd,
            long rangeMs) {
        return switch (this) {
            case RATE -> extrapolatedDelta(ts, vs, drops, from, to, windowStart, windowEnd, rangeMs, true, true);
            case INCREASE -> extrapolatedDelta(ts, vs, drops, from, to, windowStart, windowEnd, rangeMs, true, false);
            case DELTA -> extrapolatedDelta(ts, vs, null, from, to, windowStart, windowEnd, rangeMs, false, false);
            case IRATE -> {
                double last = vs[to];
                double previous = vs[to - 1];
                double result = last < previous ? last : last - previous;
                yield result / ((ts[to] - ts[to - 1]) / 1000.0);
            }
            case SUM_OVER_TIME -> kahanSum(vs, from, to);
            case AVG_OVER_TIME -> average(vs, from, to);
            case COUNT_OVER_TIME -> to - from + 1;
            case PRESENT_OVER_TIME -> 1;
            case LAST_OVER_TIME -> vs[to];
            case MIN_OVER_TIME -> extreme(vs, from, to, false);
            case MAX_OVER_TIME -> extreme(vs, from, to, true);
            case STDDEV_OVER_TIME -> Math.sqrt(variance(vs, from, to));
            case STDVAR_OVER_TIME -> variance(vs, from, to);
        };
    }

    /** rate, increase and delta with Prometheus 2.42's extrapolation to the window edges. */
    private static double extrapolatedDelta(long[] ts, double[] vs, int[] drops, int from, int to, long windowStart,
            long windowEnd, long rangeMs, boolean counter, boolean perSecond) {
        int n = to - from + 1;
        double result = vs[to] - vs[from];
        // Without a drop inside the window the scan adds nothing (its first step adds 0 when vs[from] < 0, and then
        // vs[to] - vs[from] cannot be -0).
        if (counter && (drops == null || drops[to] != drops[from])) {
            double last = 0;
            for (int i = from; i <= to; i++) {
                double v = vs[i];
                if (v < last) {
                    result += last;
                }
                last = v;
            }
        }
        double toStart = (ts[from] - windowStart) / 1000.0;
        double toEnd = (windowEnd - ts[to]) / 1000.0;
        double sampled = (ts[to] - ts[from]) / 1000.0;
        double average = sampled / (n - 1);
        if (counter && result > 0 && vs[from] >= 0) {
            double toZero = sampled * (vs[from] / result);
            if (toZero < toStart) {
                toStart = toZero;
            }
        }
        double threshold = average * 1.1;
        double extrapolated = sampled;
        extrapolated += toStart < threshold ? toStart : average / 2;
        extrapolated += toEnd < threshold ? toEnd : average / 2;
        result = result * (extrapolated / sampled);
        if (perSecond) {
            result = result / (rangeMs / 1000.0);
        }
        return result;
    }

    private static double extreme(double[] vs, int from, int to, boolean max) {
        double r = vs[from];
        for (int i = from; i <= to; i++) {
            double v = vs[i];
            if ((max ? v > r : v < r) || Double.isNaN(r)) {
                r = v;
            }
        }
        return r;
    }

    /** Neumaier's improved Kahan step on {@code sc = {sum, compensation}}. */
    static void kahanInc(double inc, double[] sc) {
        double s = sc[0];
        double t = s + inc;
        if (Math.abs(s) >= Math.abs(inc)) {
            sc[1] += (s - t) + inc;
        }
        else {
            sc[1] += (inc - t) + s;
        }
        sc[0] = t;
    }

    private static double kahanSum(double[] vs, int from, int to) {
        double[] sc = new double[2];
        for (int i = from; i <= to; i++) {
            kahanInc(vs[i], sc);
        }
        return Double.isInfinite(sc[0]) ? sc[0] : sc[0] + sc[1];
    }

    private static double average(double[] vs, int from, int to) {
        double[] mc = new double[2];
        double count = 0;
        for (int i = from; i <= to; i++) {
            double v = vs[i];
            count++;
            double mean = mc[0];
            if (Double.isInfinite(mean)) {
                if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                    continue;
                }
                if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                    continue;
                }
            }
            kahanInc(v / count - mean / count, mc);
        }
        return Double.isInfinite(mc[0]) ? mc[0] : mc[0] + mc[1];
    }

    /** Population variance by Welford's method with compensated sums. */
    private static double variance(double[] vs, int from, int to) {
        double count = 0;
        double[] mean = new double[2];
        double[] aux = new double[2];
        for (int i = from; i <= to; i++) {
            double v = vs[i];
            count++;
            double delta = v - (mean[0] + mean[1]);
            kahanInc(delta / count, mean);
            kahanInc(delta * (v - (mean[0] + mean[1])), aux);
        }
        return (aux[0] + aux[1]) / count;
    }
}
