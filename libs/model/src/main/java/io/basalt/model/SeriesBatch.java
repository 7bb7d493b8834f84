package io.basalt.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Series and their samples in columnar form, as an ingestion request carries them: each series' label set as a range
 * of canonical bytes ({@link LabelEncoding}) in one shared buffer, its samples as a range of two shared arrays. A
 * storage node looks series up by those bytes and builds {@link Labels} only for series new to it.
 *
 * <p>The label bytes of series {@code i} are {@code labelBuffer()[labelOffset(i) .. labelOffset(i) + labelLength(i))};
 * its samples are {@code timestamps()/values()[sampleStart(i) .. sampleEnd(i))}, in the order they were sent.
 */
public final class SeriesBatch {

    private final byte[] labelBuffer;

    private final int[] labelOffsets;

    private final int[] labelLengths;

    private final long[] timestamps;

    private final double[] values;

    /** {@code sampleStarts[i]} is where series {@code i} starts; {@code sampleStarts[size]} the sample count. */
    private final int[] sampleStarts;

    private final int size;

    private SeriesBatch(byte[] labelBuffer, int[] labelOffsets, int[] labelLengths, long[] timestamps,
            double[] values, int[] sampleStarts, int size) {
        this.labelBuffer = labelBuffer;
        this.labelOffsets = labelOffsets;
        this.labelLengths = labelLengths;
        this.timestamps = timestamps;
        this.values = values;
        this.sampleStarts = sampleStarts;
        this.size = size;
    }

    /** A batch of decoded series; their label sets are encoded here, so this is for tests and slow paths. */
    public static SeriesBatch of(List<TimeSeries> series) {
        Builder b = new Builder(null, series.size(), 0);
        for (TimeSeries ts : series) {
            b.series(LabelEncoding.encode(ts.labels()));
            for (int i = 0; i < ts.size(); i++) {
                b.sample(ts.timestamp(i), ts.value(i));
            }
        }
        return b.build();
    }

    public int size() {
        return size;
    }

    public byte[] labelBuffer() {
        return labelBuffer;
    }

    public int labelOffset(int series) {
        return labelOffsets[series];
    }

    public int labelLength(int series) {
        return labelLengths[series];
    }

    /**
     * Decodes the label set of series {@code i}.
     *
     * @throws InvalidLabelsException for an empty or repeated label name
     */
    public Labels labels(int series) {
        return LabelEncoding.decode(labelBuffer, labelOffsets[series], labelLengths[series]);
    }

    /** The shared timestamp column; callers must not modify it. */
    public long[] timestamps() {
        return timestamps;
    }

    /** The shared value column; callers must not modify it. */
    public double[] values() {
        return values;
    }

    public int sampleStart(int series) {
        return sampleStarts[series];
    }

    public int sampleEnd(int series) {
        return sampleStarts[series + 1];
    }

    public int sampleCount() {
        return sampleStarts[size];
    }

    /** Every series decoded, in order. */
    public List<TimeSeries> toTimeSeries() {
        List<TimeSeries> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new TimeSeries(labels(i), Arrays.copyOfRange(timestamps, sampleStart(i), sampleEnd(i)),
                    Arrays.copyOfRange(values, sampleStart(i), sampleEnd(i))));
        }
        return out;
    }

    /**
     * Fills a batch series by series. Label bytes are either ranges of a buffer given up front (a request body,
     * decoded in place) or whole arrays appended to a private buffer.
     */
    public static final class Builder {

        private byte[] labelBuffer;

        private final boolean ownsBuffer;

        private int labelBytes;

        private int[] labelOffsets;

        private int[] labelLengths;

        private long[] timestamps;

        private double[] values;

        private int[] sampleStarts;

        private int size;

        private int samples;

        /** @param sharedLabels the buffer later {@link #series(int, int)} calls point into, or null */
        public Builder(byte[] sharedLabels, int expectedSeries, int expectedSamples) {
            int s = Math.max(4, expectedSeries);
            int n = Math.max(4, expectedSamples);
            this.ownsBuffer = sharedLabels == null;
            this.labelBuffer = ownsBuffer ? new byte[256] : sharedLabels;
            this.labelOffsets = new int[s];
            this.labelLengths = new int[s];
            this.sampleStarts = new int[s + 1];
            this.timestamps = new long[n];
            this.values = new double[n];
        }

        /** Starts a series whose label bytes are a range of the shared buffer. */
        public Builder series(int labelOffset, int labelLength) {
            if (ownsBuffer) {
                throw new IllegalStateException("this builder copies label bytes; use series(byte[])");
            }
            startSeries(labelOffset, labelLength);
            return this;
        }

        /** Starts a series with the given canonical label bytes, copied. */
        public Builder series(byte[] labels) {
            if (!ownsBuffer) {
                throw new IllegalStateException("this builder points into a shared buffer; use series(int, int)");
            }
            if (labelBytes + labels.length > labelBuffer.length) {
                labelBuffer = Arrays.copyOf(labelBuffer, Math.max(labelBuffer.length * 2, labelBytes + labels.length));
            }
            System.arraycopy(labels, 0, labelBuffer, labelBytes, labels.length);
            startSeries(labelBytes, labels.length);
            labelBytes += labels.length;
            return this;
        }

        private void startSeries(int offset, int length) {
            if (size == labelOffsets.length) {
                labelOffsets = Arrays.copyOf(labelOffsets, size * 2);
                labelLengths = Arrays.copyOf(labelLengths, size * 2);
                sampleStarts = Arrays.copyOf(sampleStarts, size * 2 + 1);
            }
            labelOffsets[size] = offset;
            labelLengths[size] = length;
            sampleStarts[size] = samples;
            size++;
        }

        /** Adds a sample to the series started last. */
        public Builder sample(long timestamp, double value) {
            if (size == 0) {
                throw new IllegalStateException("a sample before any series");
            }
            if (samples == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, samples * 2);
                values = Arrays.copyOf(values, samples * 2);
            }
            timestamps[samples] = timestamp;
            values[samples++] = value;
            return this;
        }

        public SeriesBatch build() {
            sampleStarts[size] = samples;
            return new SeriesBatch(labelBuffer, labelOffsets, labelLengths, timestamps, values, sampleStarts, size);
        }
    }
}
