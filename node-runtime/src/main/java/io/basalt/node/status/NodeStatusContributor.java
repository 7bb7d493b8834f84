package io.basalt.node.status;

import java.util.List;
import java.util.Map;

/** Each service describes itself for {@code GET /api/v1/status}: its role, its effective settings, its peers. */
public interface NodeStatusContributor {

    /** {@code storage}, {@code insert}, {@code select}, {@code agent} or {@code mock-exporter}. */
    String role();

    /** The settings an operator would check first; never secrets. */
    Map<String, Object> configSummary();

    /** The nodes this one talks to, with their last known health. */
    default List<PeerStatus> peers() {
        return List.of();
    }

    /** Anything else worth showing: queue sizes, rates, read-only state. */
    default Map<String, Object> details() {
        return Map.of();
    }
}
