package io.basalt.tsdb.codec;

/** Stored bytes failed a checksum or do not decode; the caller quarantines or truncates, it never retries. */
public class CorruptDataException extends RuntimeException {

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
