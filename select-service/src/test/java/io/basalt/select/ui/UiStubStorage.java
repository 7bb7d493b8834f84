package io.basalt.select.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.InMemoryStorage;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A storage node's internal API over an in-memory engine on a loopback port, enough for the UI's pages: search,
 * series, label names and values, and per-node cardinality. It can be told to fail, to show partial answers.
 */
final class UiStubStorage implements AutoCloseable {

    private final InMemoryStorage storage = new InMemoryStorage();

    private final HttpServer server;

    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "ui-stub-storage");
        t.setDaemon(true);
        return t;
    });

    private volatile boolean failing;

    UiStubStorage() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/internal/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void add(List<TimeSeries> series) {
        storage.append(TenantId.DEFAULT, series);
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            SearchQuery q = SearchQuery.decode(ex.getRequestBody().readAllBytes());
            if (failing) {
                send(ex, 500, "disk unavailable".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = ex.getRequestURI().getPath();
            TenantId tenant = q.tenant();
            if (path.equals("/internal/search")) {
                List<TimeSeries> found = new ArrayList<>();
                storage.search(tenant, q.matchers(), q.minTime(), q.maxTime(), found::add);
                send(ex, 200, RowsCodec.encode(tenant, found));
            }
            else if (path.equals("/internal/series")) {
                List<TimeSeries> out = new ArrayList<>();
                storage.series(tenant, q.matchers(), q.minTime(), q.maxTime())
                    .forEach(l -> out.add(new TimeSeries(l, new long[0], new double[0])));
                send(ex, 200, RowsCodec.encode(tenant, out));
            }
            else if (path.equals("/internal/labels")) {
                send(ex, 200, StringListCodec.encode(storage.labelNames(tenant, q.matchers(), q.minTime(),
                        q.maxTime())));
            }
            else if (path.startsWith("/internal/label/") && path.endsWith("/values")) {
                String name = path.substring("/internal/label/".length(), path.length() - "/values".length());
                send(ex, 200, StringListCodec.encode(storage.labelValues(tenant, name, q.matchers(), q.minTime(),
                        q.maxTime())));
            }
            else if (path.equals("/internal/status/tsdb")) {
                send(ex, 200, cardinality(storage.series(tenant, q.matchers(), q.minTime(), q.maxTime()))
                    .getBytes(StandardCharsets.UTF_8));
            }
            else {
                send(ex, 404, new byte[0]);
            }
        }
    }

    /** Storage's per-node shape: lists of [name, count] pairs, select sorts and cuts them. */
    private static String cardinality(List<Labels> all) {
        Map<String, Long> byMetric = new TreeMap<>();
        Map<String, Long> byPair = new TreeMap<>();
        Map<String, TreeSet<String>> valuesByName = new TreeMap<>();
        for (Labels l : all) {
            byMetric.merge(l.metricName(), 1L, Long::sum);
            l.forEach((name, value) -> {
                byPair.merge(name + "=" + value, 1L, Long::sum);
                valuesByName.computeIfAbsent(name, k -> new TreeSet<>()).add(value);
            });
        }
        Map<String, Long> valueCounts = new TreeMap<>();
        valuesByName.forEach((k, v) -> valueCounts.put(k, (long) v.size()));
        return "{\"totalSeries\":" + all.size() + ",\"totalLabelValuePairs\":" + byPair.size()
                + ",\"seriesCountByMetricName\":" + pairs(byMetric)
                + ",\"seriesCountByLabelValuePair\":" + pairs(byPair)
                + ",\"labelValueCountByLabelName\":" + pairs(valueCounts) + "}";
    }

    private static String pairs(Map<String, Long> counts) {
        StringBuilder sb = new StringBuilder("[");
        counts.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append("[\"").append(k).append("\",")
            .append(v).append(']'));
        return sb.append(']').toString();
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        storage.close();
    }
}
