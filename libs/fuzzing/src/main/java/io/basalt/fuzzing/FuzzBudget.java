package io.basalt.fuzzing;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;
import java.util.List;

/**
 * How many inputs each fuzz property gets. The tries written on a property are the CI default, kept small so the
 * module's build stays short; {@code -Dbasalt.fuzz.tries=N} replaces them for a long run, and
 * {@code -Dbasalt.fuzz.seconds=S} ends each property early (passing) once S seconds have gone, so a long run of many
 * targets stays bounded. Each property prints how many inputs it really ran.
 */
public final class FuzzBudget implements AroundPropertyHook, AroundTryHook {

    private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

    /** Registered on a test class, the hook must reach the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = Integer.getInteger("basalt.fuzz.tries");
        if (tries != null) {
            context.attributes().setTries(tries);
            // With a million tries jqwik would first enumerate edge cases for minutes; the CI runs cover them.
            context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        }
        long seconds = Long.getLong("basalt.fuzz.seconds", 0);
        long started = System.nanoTime();
        Run run = new Run(seconds > 0 ? started + seconds * 1_000_000_000L : Long.MAX_VALUE);
        CURRENT.set(run);
        try {
            return property.execute();
        }
        finally {
            CURRENT.remove();
            System.out.printf("fuzz %s: %d inputs in %.1f s%n", context.extendedLabel(), run.inputs,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        Run run = CURRENT.get();
        if (run != null && System.nanoTime() - run.deadline > 0) {
            return TryExecutionResult.satisfied(true);
        }
        if (run != null) {
            run.inputs++;
        }
        return aTry.execute(parameters);
    }

    private static final class Run {

        final long deadline;

        long inputs;

        Run(long deadline) {
            this.deadline = deadline;
        }
    }
}
