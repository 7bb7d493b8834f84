package io.basalt.mockexporter.simulation;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A fleet of simulated HTTP service pods whose counters, histograms and gauges move like a real service's: a load
 * that drifts and bursts, errors in proportion, occasional restarts that reset counters, and (when configured) pods
 * replaced by new ones under new names.
 *
 * <p>Time is counted in ticks of {@code basalt.mock-exporter.step}, starting at tick 0 when the fleet is created. The
 * state at tick {@code k} depends only on the settings (seed included) and {@code k}: scrapes only catch the fleet up
 * to the current tick, so any number of scrapers see one consistent service, and two exporters with the same
 * settings serve the same values at the same tick. A catch-up longer than {@link #MAX_CATCH_UP_TICKS} (an exporter
 * nobody scraped for an hour) skips the older ticks rather than stalling the scrape, and only then do values depend
 * on when scrapes came.
 *
 * <p>Thread-safe: advancing and reading hold the fleet's lock.
 */
public final class SimulatedFleet {

    public static final long MAX_CATCH_UP_TICKS = 3600;

    /** Bounds the arrays the fleet keeps (8 bytes per cell), so a typo in the scale fails at start, not in GC. */
    static final long MAX_CELLS = 20_000_000;

    private static final int PODS_PER_NODE = 4;

    private final TrafficShape shape;

    private final Clock clock;

    private final long startMillis;

    private final long stepMillis;

    private final double stepSeconds;

    private final double requestsPerSecond;

    private final double restartChancePerTick;

    private final double replacementsPerTick;

    private final long seed;

    private final int nodes;

    private final SplittableRandom random;

    private final SimulatedPod[] pods;

    private final double[] cdfScratch = new double[TrafficShape.BUCKETS.length];

    private long tick;

    private int nextReplacement;

    private long restarts;

    private long replacements;

    public SimulatedFleet(MockExporterProperties settings, Clock clock) {
        long cells = (long) settings.getInstances() * settings.getMethods() * settings.getPaths()
                * (settings.getStatusCodes() + TrafficShape.BUCKETS.length + 3);
        if (cells > MAX_CELLS) {
            throw new IllegalArgumentException("basalt.mock-exporter.instances * methods * paths * (status-codes + 14)"
                    + " must stay under " + MAX_CELLS + " to bound memory, got " + cells);
        }
        if (settings.getStep().toMillis() < 1) {
            throw new IllegalArgumentException("basalt.mock-exporter.step must be at least 1ms");
        }
        this.shape = new TrafficShape(settings.getMethods(), settings.getStatusCodes(), settings.getPaths());
        this.clock = clock;
        this.startMillis = clock.millis();
        this.stepMillis = settings.getStep().toMillis();
        this.stepSeconds = stepMillis / 1000.0;
        this.requestsPerSecond = settings.getRequestsPerSecond();
        long restartMillis = settings.getMeanTimeBetweenRestarts().toMillis();
        this.restartChancePerTick = restartMillis > 0 ? Math.min(1, (double) stepMillis / restartMillis) : 0;
        this.replacementsPerTick = settings.getPodChurnPerMinute() * stepSeconds / 60;
        this.seed = settings.getSeed();
        this.nodes = (settings.getInstances() + PODS_PER_NODE - 1) / PODS_PER_NODE;
        this.random = new SplittableRandom(seed);
        this.pods = new SimulatedPod[settings.getInstances()];
        for (int slot = 0; slot < pods.length; slot++) {
            pods[slot] = newPod(slot, 0);
        }
    }

    private SimulatedPod newPod(int slot, int generation) {
        return new SimulatedPod(shape, slot, generation, podName(slot, generation), slot % nodes, tick,
                random);
    }

    /**
     * Generation 0 keeps the plain {@code api-<slot>} name; a replacement gets a deployment-style suffix that is
     * unique per generation and derived from the seed.
     */
    private String podName(int slot, int generation) {
        if (generation == 0) {
            return "api-" + slot;
        }
        long mixed = new SplittableRandom(seed ^ (slot * 0x9E3779B97F4A7C15L) ^ generation).nextLong();
        // Fixed width, so that generation and hash cannot run together into another pod's name.
        String hash = Long.toString(mixed & 0xFFFFFFL, 36);
        return "api-" + slot + "-" + Integer.toString(generation, 36) + "00000".substring(hash.length()) + hash;
    }

    /** The tick the wall clock is at now. */
    public long currentTick() {
        return Math.max(0, (clock.millis() - startMillis) / stepMillis);
    }

    /** Catches the fleet up to the wall clock. */
    public void advanceToNow() {
        advanceTo(currentTick());
    }

    /** Runs every tick up to {@code target}; a tick already reached is left as it is. */
    public synchronized void advanceTo(long target) {
        if (target - tick > MAX_CATCH_UP_TICKS) {
            tick = target - MAX_CATCH_UP_TICKS;
        }
        while (tick < target) {
            tick++;
            step();
        }
    }

    private void step() {
        // From the tick number rather than summed per tick, so rounding never loses a replacement.
        long due = (long) Math.floor(tick * replacementsPerTick + 1e-9);
        if (due - replacements > pods.length) {
            // After a skipped idle stretch: replacing every pod once gives the same page as replacing it many times.
            replacements = due - pods.length;
        }
        while (replacements < due) {
            // Rolling replacement: the oldest slot goes first, as a deployment would do it.
            SimulatedPod old = pods[nextReplacement];
            pods[nextReplacement] = newPod(old.slot(), old.generation() + 1);
            nextReplacement = (nextReplacement + 1) % pods.length;
            replacements++;
        }
        for (SimulatedPod pod : pods) {
            if (random.nextDouble() < restartChancePerTick) {
                pod.restart(tick);
                restarts++;
            }
            pod.advance(tick, stepSeconds, requestsPerSecond, cdfScratch, random);
        }
    }

    /** Reads the fleet under its lock; the pods must not be kept past the call. */
    public synchronized <T> T read(Function<SimulatedFleet, T> reader) {
        return reader.apply(this);
    }

    public synchronized long tick() {
        return tick;
    }

    public List<SimulatedPod> pods() {
        return Arrays.asList(pods);
    }

    public TrafficShape shape() {
        return shape;
    }

    public int nodes() {
        return nodes;
    }

    /** Wall-clock seconds since the epoch at which the fleet reached {@code atTick}. */
    public double epochSeconds(long atTick) {
        return (startMillis + atTick * stepMillis) / 1000.0;
    }

    public synchronized long restarts() {
        return restarts;
    }

    public synchronized long replacements() {
        return replacements;
    }
}
