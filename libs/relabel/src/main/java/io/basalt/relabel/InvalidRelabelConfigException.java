package io.basalt.relabel;

/**
 * A relabel rule that Prometheus would refuse to load. {@link #field()} names the offending key so that a loader
 * that knows where each key sits in its file can point at the line.
 */
public class InvalidRelabelConfigException extends RuntimeException {

    private final String field;

    public InvalidRelabelConfigException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The configuration key at fault ({@code regex}, {@code target_label}, ...), or {@code null} for the rule. */
    public String field() {
        return field;
    }
}
