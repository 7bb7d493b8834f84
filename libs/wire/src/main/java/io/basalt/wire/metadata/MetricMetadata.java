package io.basalt.wire.metadata;

import java.util.Objects;

/**
 * What a metric family says about itself: type, help text and unit, keyed by the family name (for a counter in
 * OpenMetrics that is the name without {@code _total}). Empty strings stand for "not given".
 */
public record MetricMetadata(MetricType type, String family, String help, String unit) {

    public MetricMetadata {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(unit, "unit");
    }

    /** A family known only by name: what a sample gets when no {@code # TYPE} or {@code # HELP} line preceded it. */
    public static MetricMetadata unknown(String family) {
        return new MetricMetadata(MetricType.UNKNOWN, family, "", "");
    }
}
