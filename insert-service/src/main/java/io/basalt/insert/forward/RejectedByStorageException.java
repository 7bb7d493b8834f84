package io.basalt.insert.forward;

/** A storage node refused rows as invalid (4xx); retrying cannot help, so the sender gets 400. */
public class RejectedByStorageException extends RuntimeException {

    public RejectedByStorageException(String message) {
        super(message);
    }
}
