package io.basalt.wire.vmnative;

/** A body that is not VictoriaMetrics' native export format; the message says where it broke. */
public class VmNativeFormatException extends IllegalArgumentException {

    public VmNativeFormatException(String message) {
        super(message);
    }

    public VmNativeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
