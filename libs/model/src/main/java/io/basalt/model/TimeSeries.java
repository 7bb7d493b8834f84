package io.basalt.model;

import java.util.Arrays;

/**
 * A series and a run of its samples, timestamps in Unix milliseconds. Values are compared by raw bits so that NaN
 * payloads (the staleness marker) and -0.0 stay distinct.
 */
public final class TimeSeries {

    private final Labels labels;

    private final long[] timestamps;

    private final double[] values;

    public TimeSeries(Labels labels, long[] timestamps, double[] values) {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
        this.labels = labels;
        this.timestamps = timestamps;
        this.values = values;
    }

    public static TimeSeries single(Labels labels, long timestamp, double value) {
        return new TimeSeries(labels, new long[] { timestamp }, new double[] { value });
    }

    public Labels labels() {
        return labels;
    }

    public int size() {
        return timestamps.length;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    /** The backing array; callers must not modify it. */
    public long[] timestamps() {
        return timestamps;
    }

    /** The backing array; callers must not modify it. */
    public double[] values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TimeSeries other) || !labels.equals(other.labels)
                || !Arrays.equals(timestamps, other.timestamps) || values.length != other.values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (Double.doubleToRawLongBits(values[i]) != Double.doubleToRawLongBits(other.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return labels.hashCode() * 31 + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return labels + " " + size() + " samples";
    }
}
