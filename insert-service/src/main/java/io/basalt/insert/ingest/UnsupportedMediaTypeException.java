package io.basalt.insert.ingest;

/** A body in a format or encoding this endpoint does not speak: 415, which senders must not retry. */
public class UnsupportedMediaTypeException extends RuntimeException {

    public UnsupportedMediaTypeException(String message) {
        super(message);
    }
}
