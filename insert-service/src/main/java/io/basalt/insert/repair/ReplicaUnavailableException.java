package io.basalt.insert.repair;

/** A call to one storage node failed; the repairer backs that node off and compares the block again later. */
public final class ReplicaUnavailableException extends RuntimeException {

    private final int node;

    public ReplicaUnavailableException(int node, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
    }

    /** Index of the node in the configured list. */
    public int node() {
        return node;
    }
}
