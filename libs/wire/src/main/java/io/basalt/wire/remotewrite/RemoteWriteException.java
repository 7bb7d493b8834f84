package io.basalt.wire.remotewrite;

/**
 * A remote-write body that can never be stored, whatever the receiver's state: the sender must not retry it. The HTTP
 * layer answers {@link #httpStatus()} with {@link #getMessage()} as the body.
 */
public class RemoteWriteException extends RuntimeException {

    /** Why a body was refused; each reason has its own status and message prefix. */
    public enum Reason {
        /** Not a snappy block-format body (a framed stream or an uncompressed body also land here). */
        SNAPPY(400),
        /** Snappy decoded, but the bytes are not a WriteRequest. */
        PROTOBUF(400),
        /** A label name that is empty. */
        EMPTY_LABEL_NAME(400),
        /** A series naming the same label twice. */
        DUPLICATE_LABEL_NAME(400),
        /** A label name or value that is not valid UTF-8. */
        INVALID_UTF8(400),
        /** The body would decompress to more than the receiver accepts. */
        TOO_LARGE(413);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;

    public RemoteWriteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public int httpStatus() {
        return reason.httpStatus();
    }
}
