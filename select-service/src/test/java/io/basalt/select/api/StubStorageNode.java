package io.basalt.select.api;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A storage node's internal API over an in-memory engine, on a random loopback port, that a test can make fail or
 * slow down. It records the deadline header each request carried.
 */
final class StubStorageNode implements AutoCloseable {

    private final InMemoryStorage storage = new InMemoryStorage();

    private final HttpServer server;

    private volatile boolean failing;

    private volatile long delayMillis;

    final ConcurrentLinkedQueue<String> timeoutHeaders = new ConcurrentLinkedQueue<>();

    StubStorageNode() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "stub-storage");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/internal/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void add(TimeSeries... series) {
        add(TenantId.DEFAULT, series);
    }

    void add(TenantId tenant, TimeSeries... series) {
        storage.append(tenant, List.of(series));
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    void reset() {
        failing = false;
        delayMillis = 0;
        timeoutHeaders.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String header = ex.getRequestHeaders().getFirst("X-Basalt-Timeout-Ms");
            timeoutHeaders.add(header == null ? "" : header);
            SearchQuery q = SearchQuery.decode(ex.getRequestBody().readAllBytes());
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (failing) {
                send(ex, 500, "disk on fire".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/internal/search")) {
                List<TimeSeries> found = new ArrayList<>();
                storage.search(q.tenant(), q.matchers(), q.minTime(), q.maxTime(), found::add);
                send(ex, 200, RowsCodec.encode(q.tenant(), found));
            }
            else if (path.equals("/internal/series")) {
                List<TimeSeries> out = new ArrayList<>();
                for (Labels l : storage.series(q.tenant(), q.matchers(), q.minTime(), q.maxTime())) {
                    out.add(new TimeSeries(l, new long[0], new double[0]));
                }
                send(ex, 200, RowsCodec.encode(q.tenant(), out));
            }
            else if (path.equals("/internal/labels")) {
                send(ex, 200, StringListCodec.encode(limited(storage.labelNames(q.tenant(), q.matchers(),
                        q.minTime(), q.maxTime()), q.limit())));
            }
            else if (path.startsWith("/internal/label/")) {
                String name = path.substring("/internal/label/".length(), path.length() - "/values".length());
                send(ex, 200, StringListCodec.encode(limited(storage.labelValues(q.tenant(), name, q.matchers(),
                        q.minTime(), q.maxTime()), q.limit())));
            }
            else if (path.equals("/internal/delete_series")) {
                int deleted = storage.deleteSeries(q.tenant(), q.matchers());
                send(ex, 200, ("{\"deletedSeries\":" + deleted + "}").getBytes(StandardCharsets.UTF_8));
            }
            else if (path.equals("/internal/status/tsdb")) {
                send(ex, 200, cardinality(q).getBytes(StandardCharsets.UTF_8));
            }
            else {
                send(ex, 404, new byte[0]);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As a real storage node cuts label names and values at the query's limit. */
    private static List<String> limited(List<String> values, int limit) {
        return limit > 0 && values.size() > limit ? values.subList(0, limit) : values;
    }

    /** Only the fields select merges: total and series per metric name. */
    private String cardinality(SearchQuery q) {
        List<Labels> all = storage.series(q.tenant(), q.matchers(), q.minTime(), q.maxTime());
        Map<String, Integer> byName = new TreeMap<>();
        all.forEach(l -> byName.merge(l.metricName(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder("{\"totalSeries\":" + all.size() + ",\"seriesCountByMetricName\":[");
        byName.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ",")
            .append("[\"").append(k).append("\",").append(v).append(']'));
        return sb.append("]}").toString();
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
        storage.close();
    }
}
