package io.basalt.node.status;

import java.util.Map;

/** A named part of {@code GET /api/v1/status} that node-runtime itself contributes, such as the security setup. */
public interface StatusSection {

    String name();

    /** What an operator checks; never secrets. */
    Map<String, Object> describe();
}
