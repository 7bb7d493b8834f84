package io.basalt.wire.metadata;

import java.util.Locale;

/**
 * A metric family's type as Prometheus and OpenMetrics declare it. The order is the remote-write protobuf numbering,
 * so {@link #ordinal()} is the wire value.
 */
public enum MetricType {
    UNKNOWN, COUNTER, GAUGE, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, INFO, STATESET;

    private static final MetricType[] BY_NUMBER = values();

    /** The type with this remote-write number; numbers from a newer sender are {@link #UNKNOWN}, not an error. */
    public static MetricType fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNKNOWN;
    }

    /**
     * The type named in a {@code # TYPE} line. Text format 0.0.4 says {@code untyped} where OpenMetrics says
     * {@code unknown}; both mean {@link #UNKNOWN}.
     *
     * @return null for a word that names no type
     */
    public static MetricType fromText(String word) {
        return switch (word) {
            case "counter" -> COUNTER;
            case "gauge" -> GAUGE;
            case "histogram" -> HISTOGRAM;
            case "gaugehistogram" -> GAUGEHISTOGRAM;
            case "summary" -> SUMMARY;
            case "info" -> INFO;
            case "stateset" -> STATESET;
            case "untyped", "unknown" -> UNKNOWN;
            default -> null;
        };
    }

    /** The word for a {@code # TYPE} line: OpenMetrics' vocabulary, or 0.0.4's where {@code openMetrics} is false. */
    public String text(boolean openMetrics) {
        if (this == UNKNOWN) {
            return openMetrics ? "unknown" : "untyped";
        }
        return name().toLowerCase(Locale.ROOT);
    }
}
