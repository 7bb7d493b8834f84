package io.basalt.agent.support;

import com.sun.net.httpserver.HttpServer;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.support.LoopbackServers;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A remote-write receiver on a random loopback port that decodes and keeps what it accepts, answers a settable
 * status, and reports healthy on {@code /actuator/health} for the load balancer's checks. Over HTTPS it requires a
 * client certificate. It remembers each write's {@code Authorization} header and client certificate subject.
 */
public final class StubReceiver implements AutoCloseable {

    private final HttpServer server;

    private final List<Received> received = new CopyOnWriteArrayList<>();

    private final AtomicInteger status = new AtomicInteger(204);

    private final AtomicInteger requests = new AtomicInteger();

    private final AtomicLong samplesPosted = new AtomicLong();

    private final AtomicLong samplesAcknowledged = new AtomicLong();

    private final AtomicInteger health = new AtomicInteger(200);

    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    /** One write request: when it came ({@link System#nanoTime()}), the answer, and the samples it held. */
    public record Request(long atNanos, int status, long samples) {
    }

    private final List<Request> requestLog = new CopyOnWriteArrayList<>();

    /** One accepted series with the path it was posted to. */
    public record Received(String path, TimeSeries series) {
    }

    public StubReceiver() throws IOException {
        this(null);
    }

    /** @param mutualTls the server's TLS context; {@code null} for plain HTTP */
    public StubReceiver(SSLContext mutualTls) throws IOException {
        server = LoopbackServers.create(mutualTls);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "stub-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/actuator/health", exchange -> {
            boolean up = health.get() == 200;
            byte[] body = (up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(health.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            long at = System.nanoTime();
            requests.incrementAndGet();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            clientSubjects.add(LoopbackServers.clientSubject(exchange));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int answer = status.get();
            List<TimeSeries> series = new RemoteWriteDecoder().decode(body).series();
            long samples = series.stream().mapToLong(TimeSeries::size).sum();
            samplesPosted.addAndGet(samples);
            requestLog.add(new Request(at, answer, samples));
            if (answer / 100 == 2) {
                samplesAcknowledged.addAndGet(samples);
                for (TimeSeries ts : series) {
                    received.add(new Received(exchange.getRequestURI().getPath(), ts));
                }
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    public void answer(int httpStatus) {
        status.set(httpStatus);
    }

    /** What {@code /actuator/health} answers: 200 for up, 503 for down. */
    public void health(int httpStatus) {
        health.set(httpStatus);
    }

    public int requests() {
        return requests.get();
    }

    /** Every write request in the order they came, refused ones included. */
    public List<Request> requestLog() {
        return List.copyOf(requestLog);
    }

    /** Samples in every write request, refused ones (and so every retry) included. */
    public long samplesPosted() {
        return samplesPosted.get();
    }

    /** Samples in the write requests answered with a 2xx. */
    public long samplesAcknowledged() {
        return samplesAcknowledged.get();
    }

    public String baseUrl() {
        return LoopbackServers.scheme(server) + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Each write's Authorization header, {@code "null"} where there was none. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Each write's client certificate subject, e.g. {@code CN=agent}. */
    public List<String> clientSubjects() {
        return List.copyOf(clientSubjects);
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<TimeSeries> series(Predicate<TimeSeries> filter) {
        return received.stream().map(Received::series).filter(filter).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
