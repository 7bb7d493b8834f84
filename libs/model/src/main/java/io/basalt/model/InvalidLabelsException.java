package io.basalt.model;

/** A label set that no tier may store: an empty or duplicated label name. */
public class InvalidLabelsException extends IllegalArgumentException {

    public InvalidLabelsException(String message) {
        super(message);
    }
}
