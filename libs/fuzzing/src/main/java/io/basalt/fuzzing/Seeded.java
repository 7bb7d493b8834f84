package io.basalt.fuzzing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Plain seeded-random tests: {@code tries} runs of a check, each with its own {@link Gen}. Every build draws a new
 * base seed, so the inputs differ from run to run as they did under the former property-test library; a failure
 * names the seed of the failing try, and {@code -Dbasalt.seed=S} replays exactly that try first (then the rest of
 * the run from S). {@code -Dbasalt.tries=N} replaces every count, for a longer run.
 */
public final class Seeded {

    private Seeded() {
    }

    public static void forAll(int tries, Consumer<Gen> check) {
        Long fixed = Long.getLong("basalt.seed");
        long base = fixed != null ? fixed : ThreadLocalRandom.current().nextLong();
        int n = Integer.getInteger("basalt.tries", tries);
        for (int i = 0; i < n; i++) {
            long seed = base + i * 0x9E37_79B9_7F4A_7C15L;
            try {
                check.accept(Gen.seeded(seed));
            }
            catch (Throwable t) {
                AssertionError e = new AssertionError("try " + (i + 1) + " of " + n + " failed with seed " + seed
                        + " (replay it first with -Dbasalt.seed=" + seed + "): " + t, t);
                throw e;
            }
        }
    }
}
