package io.basalt.insert.ingest;

/** A request that can never succeed as sent (400), with the reason it is counted under. */
public class BadIngestRequestException extends RuntimeException {

    private final String reason;

    public BadIngestRequestException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
