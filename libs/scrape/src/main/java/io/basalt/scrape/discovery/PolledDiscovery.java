package io.basalt.scrape.discovery;

import io.basalt.scrape.config.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A discovery over the network (HTTP, DNS, Consul), asked again every refresh interval. A failed attempt is logged
 * and reported to {@code outcome}, and keeps the groups of the last good one, so a flapping SD server does not stop
 * the scrapes of every target it announced.
 */
public final class PolledDiscovery implements TargetDiscovery {

    private static final System.Logger log = System.getLogger(PolledDiscovery.class.getName());

    /** Told {@code true} after a successful look and {@code false} after a failed one. */
    public interface Outcome {

        void refreshed(boolean success);
    }

    private final String name;

    private final Supplier<List<TargetGroup>> source;

    private final long intervalMillis;

    private final Outcome outcome;

    private volatile List<TargetGroup> groups = List.of();

    private volatile String lastError = "";

    private boolean asked;

    private long lastAttempt;

    /**
     * @param name   names the entry in logs, e.g. {@code job "api", http_sd_configs[0]}
     * @param source looks once; throws {@link RuntimeException} (usually {@link DiscoveryException}) when it cannot
     */
    public PolledDiscovery(String name, Supplier<List<TargetGroup>> source, Duration interval, Outcome outcome) {
        this.name = name;
        this.source = source;
        this.intervalMillis = interval.toMillis();
        this.outcome = outcome;
    }

    @Override
    public synchronized boolean refresh(long nowMillis) {
        if (asked && nowMillis - lastAttempt < intervalMillis) {
            return false;
        }
        asked = true;
        lastAttempt = nowMillis;
        List<TargetGroup> next;
        try {
            next = List.copyOf(source.get());
        }
        catch (RuntimeException e) {
            lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.log(System.Logger.Level.WARNING, "{0}: discovery failed, keeping {1} target groups: {2}", name,
                    groups.size(), lastError);
            outcome.refreshed(false);
            return false;
        }
        lastError = "";
        outcome.refreshed(true);
        boolean changed = !next.equals(groups);
        groups = next;
        return changed;
    }

    @Override
    public List<TargetGroup> groups() {
        return groups;
    }

    /** Why the last attempt failed, or {@code ""}. */
    public String lastError() {
        return lastError;
    }
}
