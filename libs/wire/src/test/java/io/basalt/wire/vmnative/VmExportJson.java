package io.basalt.wire.vmnative;

import io.basalt.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads VictoriaMetrics' JSON-lines export ({@code /api/v1/export}) of the golden captures, so that the native
 * decoder is checked against what VictoriaMetrics itself says the same data is. Only that exact shape:
 * {@code {"metric":{…},"values":[…],"timestamps":[…]}} per line, values as numbers, {@code +Inf}, {@code -Inf}.
 */
final class VmExportJson {

    private final String text;

    private int pos;

    private VmExportJson(String text) {
        this.text = text;
    }

    /** Series to (timestamp to value bits). */
    static Map<Labels, Map<Long, Long>> parse(String jsonLines) {
        Map<Labels, Map<Long, Long>> out = new TreeMap<>();
        for (String line : jsonLines.split("\n")) {
            if (!line.isBlank()) {
                new VmExportJson(line).series(out);
            }
        }
        return out;
    }

    private void series(Map<Labels, Map<Long, Long>> out) {
        expect('{');
        Labels labels = null;
        List<String> values = null;
        List<String> timestamps = null;
        do {
            String field = string();
            expect(':');
            switch (field) {
                case "metric" -> labels = metric();
                case "values" -> values = array();
                case "timestamps" -> timestamps = array();
                default -> throw new IllegalArgumentException("unexpected field " + field);
            }
        } while (accept(','));
        expect('}');
        Map<Long, Long> samples = out.computeIfAbsent(labels, l -> new TreeMap<>());
        for (int i = 0; i < values.size(); i++) {
            samples.put(Long.parseLong(timestamps.get(i)), Double.doubleToRawLongBits(number(values.get(i))));
        }
    }

    private Labels metric() {
        expect('{');
        Labels.Builder b = Labels.builder();
        if (!accept('}')) {
            do {
                String name = string();
                expect(':');
                b.add(name, string());
            } while (accept(','));
            expect('}');
        }
        return b.build();
    }

    private List<String> array() {
        expect('[');
        List<String> out = new ArrayList<>();
        if (accept(']')) {
            return out;
        }
        do {
            int start = pos;
            while (text.charAt(pos) != ',' && text.charAt(pos) != ']') {
                pos++;
            }
            out.add(text.substring(start, pos));
        } while (accept(','));
        expect(']');
        return out;
    }

    private static double number(String token) {
        return switch (token) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(token);
        };
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        char c;
        while ((c = text.charAt(pos++)) != '"') {
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'u' -> {
                    sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    private boolean accept(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + text);
        }
    }
}
