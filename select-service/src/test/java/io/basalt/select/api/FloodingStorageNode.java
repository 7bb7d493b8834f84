package io.basalt.select.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A storage node whose search answer for one tenant is huge (and empty for the others): it generates series as it
 * writes them, so it holds none of the answer itself, and records how many bytes the select node took before hanging
 * up.
 */
final class FloodingStorageNode implements AutoCloseable {

    private final HttpServer server;

    private final TenantId flooded;

    private final long answerBytes;

    private final int samplesPerSeries;

    /** Bytes sent per finished answer, in the order they finished. */
    private final BlockingQueue<Long> answered = new LinkedBlockingQueue<>();

    FloodingStorageNode(TenantId flooded, long answerBytes, int samplesPerSeries) {
        this.flooded = flooded;
        this.answerBytes = answerBytes;
        this.samplesPerSeries = samplesPerSeries;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "flooding-storage");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/internal/search", this::flood);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Bytes of the next finished flood that the select node read (or the kernel buffered for it) before it stopped
     * reading.
     */
    long bytesSentWhenDone(long timeoutSeconds) throws InterruptedException {
        Long sent = answered.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (sent == null) {
            throw new AssertionError("the flooding node was still writing after " + timeoutSeconds + " s");
        }
        return sent;
    }

    private void flood(HttpExchange ex) throws IOException {
        try (ex) {
            TenantId tenant = SearchQuery.decode(ex.getRequestBody().readAllBytes()).tenant();
            if (!tenant.equals(flooded)) {
                byte[] empty = RowsCodec.encode(tenant, List.of());
                ex.sendResponseHeaders(200, empty.length);
                ex.getResponseBody().write(empty);
                return;
            }
            ex.sendResponseHeaders(200, 0);
            answered.add(write(ex.getResponseBody()));
        }
    }

    /** @return bytes written until the answer was complete or the reader hung up */
    private long write(OutputStream out) {
        long sent = 0;
        try {
            byte[] header = RowsCodec.encode(flooded, List.of());
            out.write(header);
            sent += header.length;
            for (int batch = 0; sent < answerBytes; batch++) {
                byte[] block = RowsCodec.encode(flooded, seriesBatch(batch));
                out.write(block, header.length, block.length - header.length);
                sent += block.length - header.length;
            }
        }
        catch (IOException hungUp) {
            // The select node closed the connection: exactly what a refused query should do.
        }
        return sent;
    }

    private List<TimeSeries> seriesBatch(int batch) {
        List<TimeSeries> out = new ArrayList<>(256);
        long[] ts = new long[samplesPerSeries];
        double[] vs = new double[samplesPerSeries];
        for (int i = 0; i < samplesPerSeries; i++) {
            ts[i] = PrometheusApiTest.T - (samplesPerSeries - i) * 1000L;
            vs[i] = i;
        }
        for (int k = 0; k < 256; k++) {
            out.add(new TimeSeries(Labels.of("__name__", "flood", "i", batch + "-" + k), Arrays.copyOf(ts, ts.length),
                    vs));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
