package io.basalt.insert.imports;

import io.basalt.model.Labels;

/** Where an import format delivers what it decodes, sample by sample or as a run of one series. */
public interface SampleSink {

    void sample(Labels labels, long timestampMillis, double value);

    /** {@code timestamps} and {@code values} have the same length and may be kept by the sink. */
    default void samples(Labels labels, long[] timestamps, double[] values) {
        for (int i = 0; i < timestamps.length; i++) {
            sample(labels, timestamps[i], values[i]);
        }
    }
}
