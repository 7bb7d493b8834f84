package io.basalt.wire.exposition;

/** A page that does not follow its format; the message starts with the 1-based line number. */
public class ExpositionParseException extends IllegalArgumentException {

    private final int line;

    public ExpositionParseException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
