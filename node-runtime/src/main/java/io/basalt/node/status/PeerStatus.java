package io.basalt.node.status;

/**
 * A peer as seen from this node.
 *
 * @param healthy   whether the last exchange with it succeeded
 * @param lastError the reason it is considered unhealthy, or {@code null}
 */
public record PeerStatus(String role, String url, boolean healthy, String lastError) {
}
