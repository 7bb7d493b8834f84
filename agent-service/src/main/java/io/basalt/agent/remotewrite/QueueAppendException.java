package io.basalt.agent.remotewrite;

/** A block could not be written to a remote_write entry's disk queue, so it is not stored. */
public class QueueAppendException extends RuntimeException {

    public QueueAppendException(String message, Throwable cause) {
        super(message, cause);
    }
}
