package io.basalt.select.api;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.QueryResult;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes Prometheus HTTP API bodies byte for byte in Prometheus' shape: sample values as strings ("NaN", "+Inf"),
 * timestamps as float seconds, labels as objects.
 */
final class PrometheusJson {

    private final StringBuilder out = new StringBuilder(256);

    static String success(String data, List<String> warnings, boolean partial) {
        StringBuilder sb = new StringBuilder(data.length() + 64);
        sb.append("{\"status\":\"success\"");
        if (partial) {
            sb.append(",\"isPartial\":true");
        }
        sb.append(",\"data\":").append(data);
        if (!warnings.isEmpty()) {
            sb.append(",\"warnings\":");
            PrometheusJson w = new PrometheusJson();
            w.stringArray(warnings);
            sb.append(w.out);
        }
        return sb.append('}').toString();
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
        PrometheusJson w = new PrometheusJson();
        w.out.append("{\"resultType\":\"").append(result.resultType()).append("\",\"result\":");
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
        else if (result instanceof QueryResult.Vector v) {
            w.out.append('[');
            for (int i = 0; i < v.samples().size(); i++) {
                QueryResult.Sample s = v.samples().get(i);
                w.out.append(i > 0 ? "," : "").append("{\"metric\":");
                w.labels(s.labels());
                w.out.append(",\"value\":");
                w.point(s.timestamp(), s.value());
                w.out.append('}');
            }
            w.out.append(']');
        }
        else if (result instanceof QueryResult.Matrix m) {
            w.matrix(m.series());
        }
        return w.out.append('}').toString();
    }

    static String labelSets(List<Labels> series) {
        PrometheusJson w = new PrometheusJson();
        w.out.append('[');
        for (int i = 0; i < series.size(); i++) {
            w.out.append(i > 0 ? "," : "");
            w.labels(series.get(i));
        }
        return w.out.append(']').toString();
    }

    static String strings(List<String> values) {
        PrometheusJson w = new PrometheusJson();
        w.stringArray(values);
        return w.out.toString();
    }

    private void matrix(List<TimeSeries> series) {
        out.append('[');
        for (int i = 0; i < series.size(); i++) {
            TimeSeries ts = series.get(i);
            out.append(i > 0 ? "," : "").append("{\"metric\":");
            labels(ts.labels());
            out.append(",\"values\":[");
            for (int j = 0; j < ts.size(); j++) {
                out.append(j > 0 ? "," : "");
                point(ts.timestamp(j), ts.value(j));
            }
            out.append("]}");
        }
        out.append(']');
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
        out.append(",\"").append(formatValue(value)).append("\"]");
    }

    private void timestamp(long ms) {
        out.append(BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString());
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
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
