package io.basalt.select.fanout;

/** The request's deadline passed while waiting for storage nodes. */
public class QueryTimeoutException extends RuntimeException {

    public QueryTimeoutException(String message) {
        super(message);
    }
}
