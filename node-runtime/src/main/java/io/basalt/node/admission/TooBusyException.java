package io.basalt.node.admission;

/** The node is at its concurrency limit; answered as 503 with {@code Retry-After}, which senders retry. */
public class TooBusyException extends RuntimeException {

    public TooBusyException(String message) {
        super(message);
    }
}
