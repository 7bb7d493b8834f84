package io.basalt.select.fanout;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.MalformedBodyException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Decodes a rows block ({@code io.basalt.wire.cluster.RowsCodec}'s layout) as its bytes arrive, handing on each series
 * as soon as its last byte is in. Only the bytes of an unfinished label section, varint or value are carried from one
 * chunk to the next, so what it holds is the series being decoded, never the whole answer. A series' sample count
 * is checked against the budget before its samples arrive.
 */
final class RowsStream {

    private static final byte[] MAGIC = "BRW1".getBytes(StandardCharsets.US_ASCII);

    private static final int HEADER_BYTES = MAGIC.length + 8;

    /** Arrays of a series grow up to its sample count as samples arrive, so a wrong count allocates nothing big. */
    private static final int INITIAL_CAPACITY = 1024;

    private enum State { HEADER, LABELS, TIMESTAMPS, VALUES }

    private final SampleBudget budget;

    private final Consumer<TimeSeries> sink;

    private byte[] buf = new byte[0];

    private int pos;

    private State state = State.HEADER;

    private Labels labels;

    private int count;

    private int done;

    private long prevTs;

    private long[] timestamps;

    private double[] values;

    /** End of the string last read by {@link #string}. */
    private int next;

    RowsStream(SampleBudget budget, Consumer<TimeSeries> sink) {
        this.budget = budget;
        this.sink = sink;
    }

    /** Decodes what {@code chunk} completes, consuming it; the buffer is not kept. */
    void feed(ByteBuffer chunk) {
        int left = buf.length - pos;
        byte[] joined = new byte[left + chunk.remaining()];
        System.arraycopy(buf, pos, joined, 0, left);
        chunk.get(joined, left, chunk.remaining());
        buf = joined;
        pos = 0;
        decode();
    }

    /** @throws MalformedBodyException when the answer ended inside its header or a series */
    void finish() {
        if (state != State.LABELS || pos != buf.length) {
            throw new MalformedBodyException("rows block: answer ends inside "
                    + (state == State.HEADER ? "its header" : "a series"));
        }
    }

    private void decode() {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (buf.length - pos < HEADER_BYTES) {
                        return;
                    }
                    if (!Arrays.equals(buf, pos, pos + MAGIC.length, MAGIC, 0, MAGIC.length)) {
                        throw new MalformedBodyException("rows block: wrong magic, expected BRW1");
                    }
                    pos += HEADER_BYTES;
                    state = State.LABELS;
                }
                case LABELS -> {
                    if (pos == buf.length || !labelSection()) {
                        return;
                    }
                }
                case TIMESTAMPS -> {
                    while (done < count) {
                        int end = uvarintEnd(pos);
                        if (end < 0) {
                            return;
                        }
                        long u = uvarint(pos, end);
                        pos = end;
                        prevTs += (u >>> 1) ^ -(u & 1);
                        grow();
                        timestamps[done++] = prevTs;
                    }
                    done = 0;
                    // Every timestamp has arrived, so the count is backed by bytes received.
                    values = new double[count];
                    state = State.VALUES;
                }
                case VALUES -> {
                    while (done < count) {
                        if (buf.length - pos < 8) {
                            return;
                        }
                        values[done++] = Double.longBitsToDouble(fixed64(pos));
                        pos += 8;
                    }
                    emit();
                }
            }
        }
    }

    /** Reads a series' labels and sample count if all their bytes are in; otherwise leaves {@link #pos} alone. */
    private boolean labelSection() {
        int p = pos;
        int end = uvarintEnd(p);
        if (end < 0) {
            return false;
        }
        long labelCount = uvarint(p, end);
        p = end;
        Labels.Builder b = Labels.builder();
        for (long i = 0; i < 2 * labelCount; i += 2) {
            String name = string(p);
            if (name == null) {
                return false;
            }
            p = next;
            String value = string(p);
            if (value == null) {
                return false;
            }
            p = next;
            try {
                b.add(name, value);
            }
            catch (IllegalArgumentException e) {
                throw new MalformedBodyException("rows block: " + e.getMessage());
            }
        }
        end = uvarintEnd(p);
        if (end < 0) {
            return false;
        }
        long n = uvarint(p, end);
        if (n > Integer.MAX_VALUE) {
            throw new MalformedBodyException("rows block: sample count " + n + " is too large");
        }
        budget.requireFits(n);
        pos = end;
        labels = b.build();
        count = (int) n;
        done = 0;
        prevTs = 0;
        timestamps = new long[Math.min(count, INITIAL_CAPACITY)];
        values = null;
        state = State.TIMESTAMPS;
        return true;
    }

    private void grow() {
        if (done == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, (int) Math.min(count, 2L * timestamps.length));
        }
    }

    private void emit() {
        TimeSeries series = new TimeSeries(labels, timestamps, values != null ? values : new double[0]);
        labels = null;
        timestamps = null;
        values = null;
        state = State.LABELS;
        sink.accept(series);
    }

    private String string(int p) {
        int end = uvarintEnd(p);
        if (end < 0) {
            return null;
        }
        long len = uvarint(p, end);
        if (len > Integer.MAX_VALUE || end + len > buf.length) {
            return null;
        }
        next = end + (int) len;
        return new String(buf, end, (int) len, StandardCharsets.UTF_8);
    }

    /** The index after the uvarint at {@code p}, or -1 when its last byte has not arrived. */
    private int uvarintEnd(int p) {
        for (int i = p; i < buf.length; i++) {
            if (i - p >= 10) {
                throw new MalformedBodyException("rows block: varint longer than 10 bytes");
            }
            if ((buf[i] & 0x80) == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private long uvarint(int from, int end) {
        long v = 0;
        for (int i = from, shift = 0; i < end; i++, shift += 7) {
            v |= (long) (buf[i] & 0x7f) << shift;
        }
        return v;
    }

    private long fixed64(int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[p + i] & 0xff);
        }
        return v;
    }
}
