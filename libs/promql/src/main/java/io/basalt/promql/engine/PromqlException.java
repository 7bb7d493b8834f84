package io.basalt.promql.engine;

/** A query that cannot be parsed or evaluated; {@link #errorType()} is Prometheus' {@code errorType}. */
public class PromqlException extends RuntimeException {

    public enum ErrorType {
        BAD_DATA("bad_data"), EXECUTION("execution"), TIMEOUT("timeout"), CANCELED("canceled"), INTERNAL("internal");

        private final String wireName;

        ErrorType(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final ErrorType errorType;

    public PromqlException(ErrorType errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    public ErrorType errorType() {
        return errorType;
    }
}
