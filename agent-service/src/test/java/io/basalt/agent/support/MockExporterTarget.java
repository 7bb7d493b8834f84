package io.basalt.agent.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.basalt.scrape.support.LoopbackServers;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * mock-exporter's own {@code /metrics} endpoint (its {@code MetricsController}: format and gzip negotiation, fleet
 * page) on a random loopback port, without starting its Spring application. A JVM per exporter takes tens of seconds
 * on a busy two-core machine, and mock-exporter's installed jar is a Spring Boot fat jar whose classes cannot be
 * put on this module's class path, so the classes are loaded from {@code mock-exporter/target/classes}.
 *
 * <p>The simulated fleet is advanced to a chosen tick and then held there, so two scrapers see the same page however
 * far apart their scrapes are: the values of moving counters can then be compared too.
 */
public final class MockExporterTarget implements AutoCloseable {

    /** Where the reactor build (mock-exporter comes before agent-service) leaves mock-exporter's classes. */
    public static final Path CLASSES = Path.of("..", "mock-exporter", "target", "classes");

    private final HttpServer server;

    private final URLClassLoader loader;

    private final Method metrics;

    private final Object controller;

    /**
     * @param settings {@code basalt.mock-exporter.*} settings by their setter's name without {@code set}, e.g.
     *        {@code Seed}, {@code Instances}; {@link Duration}, {@link Long}, {@link Integer} or {@link Boolean} values
     * @param ticks simulated steps run before the page is served and then frozen
     */
    public MockExporterTarget(Map<String, Object> settings, long ticks) throws Exception {
        loader = new URLClassLoader(new URL[] { classesUrl() }, MockExporterTarget.class.getClassLoader());
        Class<?> propsType = loader.loadClass("io.basalt.mockexporter.simulation.MockExporterProperties");
        Object props = propsType.getConstructor().newInstance();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            setter(propsType, e.getKey(), e.getValue()).invoke(props, e.getValue());
        }
        // A clock that never moves: the page changes only when the test says so.
        Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Class<?> fleetType = loader.loadClass("io.basalt.mockexporter.simulation.SimulatedFleet");
        Object fleet = fleetType.getConstructor(propsType, Clock.class).newInstance(props, frozen);
        fleetType.getMethod("advanceTo", long.class).invoke(fleet, ticks);
        boolean debugFamilies = (boolean) propsType.getMethod("isDebugFamilies").invoke(props);
        Object page = loader.loadClass("io.basalt.mockexporter.exposition.FleetPage")
                .getConstructor(fleetType, boolean.class).newInstance(fleet, debugFamilies);
        Class<?> controllerType = loader.loadClass("io.basalt.mockexporter.web.MetricsController");
        Constructor<?> ctor = controllerType.getConstructor(fleetType, page.getClass(), propsType);
        controller = ctor.newInstance(fleet, page, props);
        metrics = controllerType.getMethod("metrics", String.class, String.class, String.class);

        server = LoopbackServers.create(null);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mock-exporter-target");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", this::serve);
        server.start();
    }

    /** Why the test cannot run, or null when mock-exporter's classes are there. */
    public static String missing() {
        return Files.isRegularFile(CLASSES.resolve("io/basalt/mockexporter/web/MetricsController.class")) ? null
                : "mock-exporter is not compiled at " + CLASSES.toAbsolutePath().normalize()
                        + " (./mvnw -o -q -pl mock-exporter compile)";
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var headers = exchange.getRequestHeaders();
            Object response;
            try {
                Object mono = metrics.invoke(controller, null, headers.getFirst("Accept"),
                        headers.getFirst("Accept-Encoding"));
                response = mono.getClass().getMethod("block", Duration.class).invoke(mono, Duration.ofSeconds(10));
            }
            catch (ReflectiveOperationException e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            org.springframework.http.ResponseEntity<?> entity = (org.springframework.http.ResponseEntity<?>) response;
            entity.getHeaders().forEach((name, values) -> exchange.getResponseHeaders().put(name, List.copyOf(values)));
            byte[] body = (byte[]) entity.getBody();
            exchange.sendResponseHeaders(entity.getStatusCode().value(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Method setter(Class<?> type, String name, Object value) throws NoSuchMethodException {
        Class<?> arg = value instanceof Integer ? int.class
                : value instanceof Long ? long.class
                : value instanceof Boolean ? boolean.class
                : value instanceof Double ? double.class
                : value.getClass();
        return type.getMethod("set" + name, arg);
    }

    private static URL classesUrl() throws MalformedURLException {
        return CLASSES.toAbsolutePath().normalize().toUri().toURL();
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        loader.close();
    }
}
