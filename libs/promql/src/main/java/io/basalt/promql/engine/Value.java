package io.basalt.promql.engine;

import io.basalt.model.Labels;
import java.util.List;

/** What an expression evaluates to at one evaluation time. */
sealed interface Value {

    record Scalar(double value) implements Value {
    }

    record Text(String value) implements Value {
    }

    /** An instant vector, in evaluation order. */
    record Vector(List<Element> elements) implements Value {
    }

    /**
     * A range vector: every series' samples in the closed window {@code [windowStart, windowEnd]}; {@code rangeMs}
     * is the selector's (or subquery's) range, which rate() divides by.
     */
    record Matrix(List<Window> series, long windowStart, long windowEnd, long rangeMs) implements Value {
    }

    /**
     * One element of an instant vector. {@code timestamp} is the raw sample's time when it came straight from a
     * selector (timestamp() reports it), otherwise the evaluation time.
     */
    record Element(Labels labels, double value, long timestamp) {
    }

    /** One series' samples inside a range window, stale markers already removed. */
    record Window(Labels labels, long[] timestamps, double[] values) {

        int size() {
            return timestamps.length;
        }
    }
}
