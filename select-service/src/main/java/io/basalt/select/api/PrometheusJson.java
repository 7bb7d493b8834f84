package io.basalt.select.api;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.QueryResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * Writes Prometheus HTTP API bodies byte for byte in Prometheus' shape: sample values as strings ("NaN", "+Inf"),
 * timestamps as float seconds, labels as objects. Large answers are rendered lazily, chunk by chunk, each chunk
 * UTF-8 bytes written in place ({@link JsonOutput}) that the response sends without copying.
 */
final class PrometheusJson {

    /** Size at which a streamed answer hands a piece to the network. */
    static final int CHUNK_BYTES = 64 * 1024;

    /** What a list item is taken to need before one has been written. */
    private static final int FIRST_ITEM_GUESS = 256;

    /** Room for a list's opening and closing text beside its items. */
    private static final int LIST_EDGES = 64;

    private final JsonOutput out;

    private PrometheusJson(int capacity) {
        this.out = new JsonOutput(capacity);
    }

    private PrometheusJson() {
        this(256);
    }

    static String success(String data, List<String> warnings, boolean partial) {
        return join(envelope(List.of(utf8(data)), warnings, partial));
    }

    /** The success envelope around {@code data}, rendered lazily chunk by chunk. */
    static Iterable<ByteBuffer> envelope(Iterable<ByteBuffer> data, List<String> warnings, boolean partial) {
        byte[] head = (partial ? "{\"status\":\"success\",\"isPartial\":true,\"data\":" : "{\"status\":\"success\",\"data\":")
            .getBytes(StandardCharsets.US_ASCII);
        PrometheusJson tail = new PrometheusJson();
        if (!warnings.isEmpty()) {
            tail.out.ascii(",\"warnings\":");
            tail.stringArray(warnings);
        }
        tail.out.ascii('}');
        ByteBuffer end = tail.out.buffer();
        return () -> new Iterator<>() {

            private Iterator<ByteBuffer> body;

            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public ByteBuffer next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                if (body == null) {
                    body = data.iterator();
                    return ByteBuffer.wrap(head);
                }
                if (body.hasNext()) {
                    return body.next();
                }
                done = true;
                return end.duplicate();
            }
        };
    }

    static String error(String errorType, String message) {
        PrometheusJson w = new PrometheusJson();
        w.out.ascii("{\"status\":\"error\",\"errorType\":");
        w.out.string(errorType);
        w.out.ascii(",\"error\":");
        w.out.string(message);
        return w.out.ascii('}').toString();
    }

    static String queryData(QueryResult result) {
        return join(queryDataChunks(result));
    }

    /** A query's {@code data} object, one chunk per {@link #CHUNK_BYTES} or so. */
    static Iterable<ByteBuffer> queryDataChunks(QueryResult result) {
        String open = "{\"resultType\":\"" + result.resultType() + "\",\"result\":";
        if (result instanceof QueryResult.Vector v) {
            return list(open + "[", v.samples(), (w, s) -> {
                w.out.ascii("{\"metric\":");
                w.labels(s.labels());
                w.out.ascii(",\"value\":");
                w.point(s.timestamp(), s.value());
                w.out.ascii('}');
            }, ",", "]}");
        }
        if (result instanceof QueryResult.Matrix m) {
            return list(open + "[", m.series(), PrometheusJson::series, ",", "]}");
        }
        PrometheusJson w = new PrometheusJson();
        w.out.ascii(open);
        if (result instanceof QueryResult.Scalar s) {
            w.point(s.timestamp(), s.value());
        }
        else if (result instanceof QueryResult.StringValue s) {
            w.out.ascii('[').timestamp(s.timestamp()).ascii(',').string(s.value()).ascii(']');
        }
        return List.of(w.out.ascii('}').buffer());
    }

    static String labelSets(List<Labels> series) {
        return join(labelSetChunks(series));
    }

    static Iterable<ByteBuffer> labelSetChunks(List<Labels> series) {
        return list("[", series, PrometheusJson::labels, ",", "]");
    }

    static String quote(String s) {
        PrometheusJson w = new PrometheusJson();
        w.out.string(s);
        return w.out.toString();
    }

    static Iterable<ByteBuffer> strings(List<String> values) {
        return list("[", values, (w, s) -> w.out.string(s), ",", "]");
    }

    /**
     * VictoriaMetrics' export format: one JSON object per line with the series' labels, values as JSON numbers and
     * timestamps in ms. Staleness markers are not samples and are left out; other NaNs are {@code null}, infinities
     * the strings {@code "+Inf"} and {@code "-Inf"}.
     */
    static Iterable<ByteBuffer> exportLines(List<TimeSeries> series) {
        return list("", series, PrometheusJson::exportLine, "", "");
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    static String formatValue(double v) {
        return new JsonOutput(32).value(v).toString();
    }

    /** {@code chunks} joined, as text (small answers and tests). */
    static String join(Iterable<ByteBuffer> chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuffer b : chunks) {
            ByteBuffer view = b.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            all.writeBytes(bytes);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private void exportLine(TimeSeries ts) {
        out.ascii("{\"metric\":");
        labels(ts.labels());
        out.ascii(",\"values\":[");
        int written = 0;
        for (int i = 0; i < ts.size(); i++) {
            double v = ts.value(i);
            if (StaleMarker.isStale(v)) {
                continue;
            }
            if (written++ > 0) {
                out.ascii(',');
            }
            if (Double.isNaN(v)) {
                out.ascii("null");
            }
            else if (Double.isInfinite(v)) {
                out.ascii(v > 0 ? "\"+Inf\"" : "\"-Inf\"");
            }
            else {
                out.value(v);
            }
        }
        out.ascii("],\"timestamps\":[");
        written = 0;
        for (int i = 0; i < ts.size(); i++) {
            if (!StaleMarker.isStale(ts.value(i))) {
                if (written++ > 0) {
                    out.ascii(',');
                }
                out.number(ts.timestamp(i));
            }
        }
        out.ascii("]}\n");
    }

    /** Renders {@code items} lazily: each chunk holds at most about {@link #CHUNK_BYTES} bytes (or one item). */
    private static <T> Iterable<ByteBuffer> list(String open, List<T> items, BiConsumer<PrometheusJson, T> item,
            String sep, String close) {
        return () -> new Iterator<>() {

            private int next = -1;

            /** Bytes of the last item written: items of one answer are alike, so the next one likely needs as much. */
            private int lastItem = FIRST_ITEM_GUESS;

            @Override
            public boolean hasNext() {
                return next <= items.size();
            }

            @Override
            public ByteBuffer next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                // Sized for what is expected to go in, so that the array neither grows (a copy) nor sits mostly empty.
                long expected = (long) (items.size() - Math.max(next, 0)) * lastItem;
                PrometheusJson w = new PrometheusJson((int) Math.min(CHUNK_BYTES, expected) + LIST_EDGES);
                if (next < 0) {
                    w.out.ascii(open);
                    next = 0;
                }
                boolean any = false;
                while (next < items.size() && (!any || w.out.length() + lastItem <= CHUNK_BYTES)) {
                    int before = w.out.length();
                    if (next > 0) {
                        w.out.ascii(sep);
                    }
                    item.accept(w, items.get(next++));
                    lastItem = w.out.length() - before;
                    any = true;
                }
                if (next == items.size()) {
                    w.out.ascii(close);
                    next++;
                }
                return w.out.buffer();
            }
        };
    }

    private void series(TimeSeries ts) {
        out.ascii("{\"metric\":");
        labels(ts.labels());
        out.ascii(",\"values\":[");
        for (int j = 0; j < ts.size(); j++) {
            if (j > 0) {
                out.ascii(',');
            }
            point(ts.timestamp(j), ts.value(j));
        }
        out.ascii("]}");
    }

    private void labels(Labels labels) {
        out.ascii('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                out.ascii(',');
            }
            out.string(labels.name(i)).ascii(':').string(labels.value(i));
        }
        out.ascii('}');
    }

    private void point(long timestamp, double value) {
        out.ascii('[').timestamp(timestamp).ascii(",\"").value(value).ascii("\"]");
    }

    private void stringArray(List<String> values) {
        out.ascii('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.ascii(',');
            }
            out.string(values.get(i));
        }
        out.ascii(']');
    }
}
