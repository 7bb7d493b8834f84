package io.basalt.select.fanout;

/** No complete answer could be had: every storage node failed, or partial answers are denied. */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message) {
        super(message);
    }
}
