package io.basalt.select.fanout;

/** A storage node left out of a query because connecting to it failed moments ago. */
public class NodeUnreachableException extends RuntimeException {

    public NodeUnreachableException(String message) {
        super(message, null, false, false);
    }
}
