package io.basalt.wire.exposition;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;

/** Receives what {@link ExpositionParser} reads, in page order. */
public interface ExpositionListener {

    /**
     * A family begins: once per family, before its first sample (or, for a family without samples, when the next one
     * begins). Samples that follow no {@code # TYPE}/{@code # HELP} line get an implicit {@link
     * io.basalt.wire.metadata.MetricType#UNKNOWN} family named after the sample.
     */
    default void family(MetricMetadata family) {
    }

    /**
     * One sample.
     *
     * @param family          the family it belongs to, the same instance for all its samples
     * @param labels          the sample's labels, {@code __name__} included; empty label values are dropped
     * @param timestampMillis the sample's own timestamp, or {@link ExpositionParser#NO_TIMESTAMP}
     */
    void sample(MetricMetadata family, Labels labels, double value, long timestampMillis);
}
