package io.basalt.insert.imports;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import java.io.InputStream;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * {@code /api/v1/import}: VictoriaMetrics' JSON lines, one series per line,
 * {@code {"metric":{"__name__":"up","job":"x"},"values":[1,0.5],"timestamps":[1700000000000,1700000015000]}}, which
 * is what VictoriaMetrics' {@code /api/v1/export} writes and what vmctl sends. Values may also be the strings or bare
 * words {@code NaN}, {@code Inf}, {@code +Inf}, {@code -Inf}; timestamps are Unix milliseconds. A line that breaks
 * the format fails the request with its line number.
 */
public final class JsonLinesImport {

    private static final JsonFactory JSON = JsonFactory.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .build();

    private JsonLinesImport() {
    }

    /** @throws IllegalArgumentException naming the line of the first malformed series */
    public static void read(InputStream body, SampleSink sink) {
        // Always UTF-8, as VictoriaMetrics reads it: a byte stream lets Jackson guess UTF-16/32 from leading NULs.
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(),
                new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw error(p, "expected a JSON object per line, found " + t);
                }
                series(p, sink);
            }
        }
        catch (JacksonException e) {
            int line = e.getLocation() != null ? Math.max(1, e.getLocation().getLineNr()) : 1;
            throw new IllegalArgumentException("line " + line + ": invalid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static void series(JsonParser p, SampleSink sink) {
        int line = p.currentLocation().getLineNr();
        Labels labels = null;
        double[] values = null;
        long[] timestamps = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "metric" -> labels = metric(p, value, line);
                case "values" -> values = values(p, value, line);
                case "timestamps" -> timestamps = timestamps(p, value, line);
                default -> p.skipChildren();
            }
        }
        if (labels == null || labels.isEmpty()) {
            throw error(line, "missing or empty \"metric\"");
        }
        if (values == null || timestamps == null) {
            throw error(line, "\"values\" and \"timestamps\" are both required");
        }
        if (values.length != timestamps.length) {
            throw error(line, values.length + " values but " + timestamps.length + " timestamps");
        }
        if (values.length > 0) {
            sink.samples(labels, timestamps, values);
        }
    }

    private static Labels metric(JsonParser p, JsonToken start, int line) {
        if (start != JsonToken.START_OBJECT) {
            throw error(line, "\"metric\" must be an object of label names to string values");
        }
        Labels.Builder b = Labels.builder();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw error(line, "value of label \"" + name + "\" must be a string");
            }
            try {
                b.add(name, p.getString());
            }
            catch (InvalidLabelsException e) {
                throw error(line, "invalid labels: " + e.getMessage());
            }
        }
        return b.build();
    }

    private static double[] values(JsonParser p, JsonToken start, int line) {
        if (start != JsonToken.START_ARRAY) {
            throw error(line, "\"values\" must be an array");
        }
        double[] out = new double[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            double v;
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                v = p.getDoubleValue();
            }
            else if (t == JsonToken.VALUE_STRING) {
                v = special(p.getString(), line);
            }
            else {
                throw error(line, "\"values\" may hold only numbers, found " + t);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    private static long[] timestamps(JsonParser p, JsonToken start, int line) {
        if (start != JsonToken.START_ARRAY) {
            throw error(line, "\"timestamps\" must be an array");
        }
        long[] out = new long[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw error(line, "\"timestamps\" must be integer Unix milliseconds, found " + t);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }

    private static double special(String text, int line) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Inf", "+Inf", "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
            case "-Inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                }
                catch (NumberFormatException e) {
                    throw error(line, "invalid value \"" + text + "\"");
                }
            }
        };
    }

    private static IllegalArgumentException error(JsonParser p, String message) {
        return error(p.currentLocation().getLineNr(), message);
    }

    private static IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }
}
