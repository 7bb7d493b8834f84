package io.basalt.promql.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.EngineSettings;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.PromqlException;
import io.basalt.promql.engine.QueryResult;
import io.basalt.promql.parser.Parser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Dev tool: serves the engine over a minimal Prometheus HTTP API on loopback, so that
 * {@code /work/shared/conformance/run.py --import-url http://127.0.0.1:PORT/api/v1/import/prometheus --query-url
 * http://127.0.0.1:PORT} can judge it against a real Prometheus. Not a production server.
 */
public final class ConformanceServer {

    private final InMemorySeries store = new InMemorySeries();

    private final PromqlEngine engine = new PromqlEngine(EngineSettings.DEFAULTS);

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9477;
        new ConformanceServer().start(port);
        System.out.println("listening on 127.0.0.1:" + port);
    }

    public HttpServer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/api/v1/import/prometheus", this::importText);
        server.createContext("/api/v1/query_range", ex -> query(ex, true));
        server.createContext("/api/v1/query", ex -> query(ex, false));
        server.start();
        return server;
    }

    private void importText(HttpExchange ex) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ex.getRequestBody(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int close = line.lastIndexOf('}');
                int space = line.indexOf(' ', close < 0 ? 0 : close);
                Labels labels = parseSeries(line.substring(0, space));
                String[] rest = line.substring(space + 1).trim().split(" ");
                store.add(labels, Long.parseLong(rest[1]), parseValue(rest[0]));
            }
        }
        reply(ex, 204, "");
    }

    /** Parses {@code name{a="b"}} (Prometheus text format / PromQL string escapes) into labels. */
    public static Labels parseSeriesLabels(String text) {
        return parseSeries(text);
    }

    static Labels parseSeries(String text) {
        if (!text.contains("{")) {
            return Labels.of(Labels.METRIC_NAME, text);
        }
        Labels.Builder b = Labels.builder();
        String name = text.substring(0, text.indexOf('{'));
        if (!name.isEmpty()) {
            b.add(Labels.METRIC_NAME, name);
        }
        Parser.parseSelector("{" + text.substring(text.indexOf('{') + 1)).matchers()
                .forEach(m -> b.add(m.name(), m.value()));
        return b.build();
    }

    public static double parseValue(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private void query(HttpExchange ex, boolean range) throws IOException {
        Map<String, String> params = new HashMap<>();
        parseForm(ex.getRequestURI().getRawQuery(), params);
        if ("POST".equals(ex.getRequestMethod())) {
            parseForm(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
        }
        try {
            String q = params.get("query");
            QueryResult result = range
                    ? engine.rangeQuery(store, q, seconds(params.get("start")), seconds(params.get("end")),
                            seconds(params.get("step")))
                    : engine.instantQuery(store, q, seconds(params.get("time")));
            reply(ex, 200, "{\"status\":\"success\",\"data\":" + json(result) + "}");
        }
        catch (PromqlException e) {
            reply(ex, e.errorType() == PromqlException.ErrorType.BAD_DATA ? 400 : 422,
                    "{\"status\":\"error\",\"errorType\":\"" + e.errorType().wireName() + "\",\"error\":"
                            + quote(e.getMessage()) + "}");
        }
        catch (RuntimeException e) {
            e.printStackTrace();
            reply(ex, 500, "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":" + quote(e.toString()) + "}");
        }
    }

    private static long seconds(String s) {
        return Math.round(Double.parseDouble(s) * 1000);
    }

    private static void parseForm(String raw, Map<String, String> into) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(k, v);
        }
    }

    static String json(QueryResult r) {
        StringBuilder sb = new StringBuilder("{\"resultType\":\"").append(r.resultType()).append("\",\"result\":");
        if (r instanceof QueryResult.Scalar s) {
            sb.append('[').append(ts(s.timestamp())).append(',').append(quote(value(s.value()))).append(']');
        }
        else if (r instanceof QueryResult.StringValue s) {
            sb.append('[').append(ts(s.timestamp())).append(',').append(quote(s.value())).append(']');
        }
        else if (r instanceof QueryResult.Vector v) {
            sb.append('[');
            for (int i = 0; i < v.samples().size(); i++) {
                QueryResult.Sample s = v.samples().get(i);
                sb.append(i > 0 ? "," : "").append("{\"metric\":").append(metric(s.labels())).append(",\"value\":[")
                        .append(ts(s.timestamp())).append(',').append(quote(value(s.value()))).append("]}");
            }
            sb.append(']');
        }
        else {
            sb.append('[');
            var series = ((QueryResult.Matrix) r).series();
            for (int i = 0; i < series.size(); i++) {
                TimeSeries s = series.get(i);
                sb.append(i > 0 ? "," : "").append("{\"metric\":").append(metric(s.labels())).append(",\"values\":[");
                for (int j = 0; j < s.size(); j++) {
                    sb.append(j > 0 ? "," : "").append('[').append(ts(s.timestamp(j))).append(',')
                            .append(quote(value(s.value(j)))).append(']');
                }
                sb.append("]}");
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static String metric(Labels l) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < l.size(); i++) {
            sb.append(i > 0 ? "," : "").append(quote(l.name(i))).append(':').append(quote(l.value(i)));
        }
        return sb.append('}').toString();
    }

    private static String ts(long ms) {
        return java.math.BigDecimal.valueOf(ms, 3).toPlainString();
    }

    private static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            }
            else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            }
            else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
        ex.close();
    }
}
