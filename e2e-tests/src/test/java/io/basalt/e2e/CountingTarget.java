package io.basalt.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scrape target whose every page is numbered: {@code drill_scrape_seq{drill="..."}} holds the page's sequence
 * number, so the pages an agent scraped and the samples that reached storage can be matched one to one.
 */
final class CountingTarget implements AutoCloseable {

    static final String METRIC = "drill_scrape_seq";

    private final HttpServer server;

    private final AtomicLong sequence = new AtomicLong();

    private final Map<String, Set<Long>> served = new ConcurrentHashMap<>();

    private volatile String drill = "warmup";

    private CountingTarget(HttpServer server) {
        this.server = server;
    }

    static CountingTarget start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        CountingTarget target = new CountingTarget(server);
        server.createContext("/metrics", exchange -> {
            String drillName = target.drill;
            long seq = target.sequence.incrementAndGet();
            byte[] page = ("# TYPE " + METRIC + " gauge\n" + METRIC + "{drill=\"" + drillName + "\"} " + seq + "\n")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
            // Counted once the page is handed over: a page the agent never received is not "sent".
            target.served.computeIfAbsent(drillName, d -> new ConcurrentSkipListSet<>()).add(seq);
        });
        server.start();
        return target;
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Pages served from now on carry this drill label. */
    void drill(String name) {
        drill = name;
    }

    /** The number of the last page handed out. */
    long lastSequence() {
        return sequence.get();
    }

    /** Sequence numbers of the pages served under {@code drill}. */
    Set<Long> served(String drillName) {
        return served.getOrDefault(drillName, Set.of());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
