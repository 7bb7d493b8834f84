package io.basalt.insert.forward;

/**
 * A background task's call to a storage node's internal API failed: an HTTP error status, a timeout, an answer larger
 * than the bound, or no connection. The message names the node and the API, never the call's query values.
 */
public final class StorageCallException extends RuntimeException {

    /** No HTTP status: the node did not answer, or not in time. */
    public static final int NO_STATUS = -1;

    private final int status;

    StorageCallException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The node's HTTP status, or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }
}
