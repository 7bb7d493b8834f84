package io.basalt.node.web;

/** A request body over the configured size limit; answered with 413, which senders must not retry. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
