package io.basalt.tsdb;

/**
 * The engine refuses writes, e.g. because free disk space fell below {@code minFreeDiskSpaceBytes}; nothing of the
 * rejected batch was stored. Services answer 503 so that senders retry later. Reads keep working.
 */
public class ReadOnlyException extends RuntimeException {

    public ReadOnlyException(String reason) {
        super(reason);
    }
}
