package io.basalt.select.api;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.QueryResult;
import io.basalt.model.StaleMarker;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * Writes Prometheus HTTP API bodies byte for byte in Prometheus' shape: sample values as strings ("NaN", "+Inf"),
 * timestamps as float seconds, labels as objects.
 */
final class PrometheusJson {

    /** Size at which a streamed answer hands a piece to the network. */
    static final int CHUNK_CHARS = 64 * 1024;

    private final StringBuilder out = new StringBuilder(256);

    private final PrometheusNumbers numbers = new PrometheusNumbers();

    static String success(String data, List<String> warnings, boolean partial) {
        return join(envelope(List.of(data), warnings, partial));
    }

    /** The success envelope around {@code data}, rendered lazily chunk by chunk. */
    static Iterable<String> envelope(Iterable<String> data, List<String> warnings, boolean partial) {
        String head = partial ? "{\"status\":\"success\",\"isPartial\":true,\"data\":" : "{\"status\":\"success\",\"data\":";
        PrometheusJson tail = new PrometheusJson();
        if (!warnings.isEmpty()) {
            tail.out.append(",\"warnings\":");
            tail.stringArray(warnings);
        }
        tail.out.append('}');
        String end = tail.out.toString();
        return () -> new Iterator<>() {

            private Iterator<String> body;

            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public String next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                if (body == null) {
                    body = data.iterator();
                    return head;
                }
                if (body.hasNext()) {
                    return body.next();
                }
                done = true;
                return end;
            }
        };
    }

    static String error(String errorType, String message) {
        PrometheusJson w = new PrometheusJson();
        w.out.append("{\"status\":\"error\",\"errorType\":");
        w.string(errorType);
        w.out.append(",\"error\":");
        w.string(message);
        return w.out.append('}').toString();
    }

    static String queryData(QueryResult result) {
        return join(queryDataChunks(result));
    }

    /** A query's {@code data} object, one chunk per {@link #CHUNK_CHARS} or so. */
    static Iterable<String> queryDataChunks(QueryResult result) {
        String open = "{\"resultType\":\"" + result.resultType() + "\",\"result\":";
        if (result instanceof QueryResult.Vector v) {
            return list(open + "[", v.samples(), (w, s) -> {
                w.out.append("{\"metric\":");
                w.labels(s.labels());
                w.out.append(",\"value\":");
                w.point(s.timestamp(), s.value());
                w.out.append('}');
            }, ",", "]}");
        }
        if (result instanceof QueryResult.Matrix m) {
            return list(open + "[", m.series(), PrometheusJson::series, ",", "]}");
        }
        PrometheusJson w = new PrometheusJson();
        w.out.append(open);
        if (result instanceof QueryResult.Scalar s) {
            w.point(s.timestamp(), s.value());
        }
        else if (result instanceof QueryResult.StringValue s) {
            w.out.append('[');
            w.timestamp(s.timestamp());
            w.out.append(',');
            w.string(s.value());
            w.out.append(']');
        }
        return List.of(w.out.append('}').toString());
    }

    static String labelSets(List<Labels> series) {
        return join(labelSetChunks(series));
    }

    static Iterable<String> labelSetChunks(List<Labels> series) {
        return list("[", series, PrometheusJson::labels, ",", "]");
    }

    static String quote(String s) {
        PrometheusJson w = new PrometheusJson();
        w.string(s);
        return w.out.toString();
    }

    static String strings(List<String> values) {
        PrometheusJson w = new PrometheusJson();
        w.stringArray(values);
        return w.out.toString();
    }

    /**
     * VictoriaMetrics' export format: one JSON object per line with the series' labels, values as JSON numbers and
     * timestamps in ms. Staleness markers are not samples and are left out; other NaNs are {@code null}, infinities
     * the strings {@code "+Inf"} and {@code "-Inf"}.
     */
    static Iterable<String> exportLines(List<TimeSeries> series) {
        return list("", series, PrometheusJson::exportLine, "", "");
    }

    private void exportLine(TimeSeries ts) {
        out.append("{\"metric\":");
        labels(ts.labels());
        out.append(",\"values\":[");
        int written = 0;
        for (int i = 0; i < ts.size(); i++) {
            double v = ts.value(i);
            if (StaleMarker.isStale(v)) {
                continue;
            }
            out.append(written++ > 0 ? "," : "");
            if (Double.isNaN(v)) {
                out.append("null");
            }
            else if (Double.isInfinite(v)) {
                out.append(v > 0 ? "\"+Inf\"" : "\"-Inf\"");
            }
            else {
                numbers.appendValue(out, v);
            }
        }
        out.append("],\"timestamps\":[");
        written = 0;
        for (int i = 0; i < ts.size(); i++) {
            if (!StaleMarker.isStale(ts.value(i))) {
                out.append(written++ > 0 ? "," : "").append(ts.timestamp(i));
            }
        }
        out.append("]}\n");
    }

    /** Renders {@code items} lazily: each chunk holds about {@link #CHUNK_CHARS} characters. */
    private static <T> Iterable<String> list(String open, List<T> items, BiConsumer<PrometheusJson, T> item,
            String sep, String close) {
        return () -> new Iterator<>() {

            private int next = -1;

            @Override
            public boolean hasNext() {
                return next <= items.size();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PrometheusJson w = new PrometheusJson();
                if (next < 0) {
                    w.out.append(open);
                    next = 0;
                }
                while (next < items.size() && w.out.length() < CHUNK_CHARS) {
                    w.out.append(next > 0 ? sep : "");
                    item.accept(w, items.get(next++));
                }
                if (next == items.size()) {
                    w.out.append(close);
                    next++;
                }
                return w.out.toString();
            }
        };
    }

    private static String join(Iterable<String> chunks) {
        StringBuilder sb = new StringBuilder();
        chunks.forEach(sb::append);
        return sb.toString();
    }

    private void series(TimeSeries ts) {
        out.append("{\"metric\":");
        labels(ts.labels());
        out.append(",\"values\":[");
        for (int j = 0; j < ts.size(); j++) {
            out.append(j > 0 ? "," : "");
            point(ts.timestamp(j), ts.value(j));
        }
        out.append("]}");
    }

    private void labels(Labels labels) {
        out.append('{');
        for (int i = 0; i < labels.size(); i++) {
            out.append(i > 0 ? "," : "");
            string(labels.name(i));
            out.append(':');
            string(labels.value(i));
        }
        out.append('}');
    }

    private void point(long timestamp, double value) {
        out.append('[');
        timestamp(timestamp);
        out.append(",\"");
        numbers.appendValue(out, value);
        out.append("\"]");
    }

    private void timestamp(long ms) {
        PrometheusNumbers.appendTimestamp(out, ms);
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    static String formatValue(double v) {
        StringBuilder sb = new StringBuilder(24);
        new PrometheusNumbers().appendValue(sb, v);
        return sb.toString();
    }

    private void stringArray(List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i > 0 ? "," : "");
            string(values.get(i));
        }
        out.append(']');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
