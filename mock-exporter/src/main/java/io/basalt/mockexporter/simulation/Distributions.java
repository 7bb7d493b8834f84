package io.basalt.mockexporter.simulation;

import java.util.random.RandomGenerator;

/** The few distributions the simulation draws from, written against any seeded generator. */
final class Distributions {

    private Distributions() {
    }

    /**
     * A Poisson-distributed count: exact for small means, the normal approximation above 30 where exact sampling
     * would cost one draw per unit of the mean.
     */
    static long poisson(RandomGenerator random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        long n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    /** Standard normal cumulative distribution, from the Abramowitz-Stegun 7.1.26 error function (error < 2e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** z-scores of the summary's quantiles 0.5, 0.9 and 0.99 of a standard normal. */
    static double zScore(double quantile) {
        if (quantile == 0.5) {
            return 0;
        }
        if (quantile == 0.9) {
            return 1.2815516;
        }
        if (quantile == 0.99) {
            return 2.3263479;
        }
        throw new IllegalArgumentException("no z-score for quantile " + quantile);
    }
}
