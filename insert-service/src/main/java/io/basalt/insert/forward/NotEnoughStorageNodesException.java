package io.basalt.insert.forward;

/** Too few healthy storage nodes to keep the requested copies: answered with 503 so the sender retries. */
public class NotEnoughStorageNodesException extends RuntimeException {

    public NotEnoughStorageNodesException(String message) {
        super(message);
    }
}
