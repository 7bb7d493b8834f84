package io.basalt.wire.cluster;

/** An internal-API body that does not decode; the receiving tier answers 400 with this message. */
public class MalformedBodyException extends IllegalArgumentException {

    public MalformedBodyException(String message) {
        super(message);
    }
}
