package io.basalt.scrape.discovery;

import io.basalt.scrape.config.TargetGroup;
import java.util.List;

/** One service-discovery entry of a scrape job: the target groups it found last. */
public interface TargetDiscovery {

    /**
     * Looks again if the entry is due; a failed look keeps the groups found before, as Prometheus does.
     *
     * @return whether the groups may have changed
     */
    boolean refresh(long nowMillis);

    List<TargetGroup> groups();

    /** Whether {@link #refresh} may wait on the network, so it must not run while a lock others need is held. */
    default boolean remote() {
        return true;
    }

    /** Stops what the discovery runs in the background (a watch), once its job is gone. */
    default void close() {
    }
}
