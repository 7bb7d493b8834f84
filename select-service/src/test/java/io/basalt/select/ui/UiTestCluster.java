package io.basalt.select.ui;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A select node on a random port over two stub storage nodes (replication factor 1), with two agents configured for
 * the Targets page: one answering, one whose port nothing listens on. Every UI test class extends this, so they
 * share one Spring context.
 *
 * <p>The data covers the last two hours every 15 s, up to the moment the class loaded:
 * {@code http_requests_total} (6 series: instances a, b, c × codes 200, 500), {@code up} (4),
 * {@code process_resident_memory_bytes} (3) and {@code node_load1} (1, with a 20 minute hole) — 14 series.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class UiTestCluster {

    static final long NOW = Instant.now().toEpochMilli() / 15_000 * 15_000;

    static final int TOTAL_SERIES = 14;

    static final UiStubStorage STORAGE_1 = new UiStubStorage();

    static final UiStubStorage STORAGE_2 = new UiStubStorage();

    static final UiStubAgent AGENT = new UiStubAgent(UiStubAgent.twoTargets(Instant.ofEpochMilli(NOW).toString()));

    static final String DEAD_AGENT = "http://127.0.0.1:" + closedPort();

    static {
        List<TimeSeries> first = new ArrayList<>();
        List<TimeSeries> second = new ArrayList<>();
        String[] instances = { "a", "b", "c" };
        for (int i = 0; i < instances.length; i++) {
            int n = i;
            List<TimeSeries> into = n < 2 ? first : second;
            for (String code : List.of("200", "500")) {
                double perSecond = (code.equals("200") ? 20 : 1.5) * (n + 1);
                into.add(series(Labels.of("__name__", "http_requests_total", "job", "api", "instance",
                        instances[n], "code", code), t -> perSecond * (t - (NOW - 7_200_000)) / 1000.0, 0, 0));
            }
            into.add(series(Labels.of("__name__", "up", "job", "api", "instance", instances[i]), t -> 1, 0, 0));
            long base = (n + 1) * 40_000_000L;
            into.add(series(Labels.of("__name__", "process_resident_memory_bytes", "job", "api", "instance",
                    instances[n]), t -> base + 5_000_000 * Math.sin(t / 600_000.0 + n), 0, 0));
        }
        second.add(series(Labels.of("__name__", "up", "job", "node", "instance", "n1"), t -> 1, 0, 0));
        // no samples from 50 to 30 minutes ago: longer than the 5 minute lookback, so graphs show a hole
        second.add(series(Labels.of("__name__", "node_load1", "job", "node", "instance", "n1"),
                t -> 1.5 + Math.cos(t / 900_000.0), NOW - 3_000_000, NOW - 1_800_000));
        STORAGE_1.add(first);
        STORAGE_2.add(second);
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", STORAGE_1::url);
        registry.add("spring.cloud.discovery.client.simple.instances.storage[1].uri", STORAGE_2::url);
        registry.add("basalt.select.replication-factor", () -> "1");
        registry.add("basalt.select.ui.agents[0]", AGENT::url);
        registry.add("basalt.select.ui.agents[1]", () -> DEAD_AGENT);
        registry.add("basalt.select.ui.agent-timeout", () -> "2s");
    }

    @AfterEach
    void healStorage() {
        STORAGE_1.failing(false);
        STORAGE_2.failing(false);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    interface Curve {
        double at(long t);
    }

    /** Samples every 15 s over the last two hours, leaving out [holeFrom, holeTo). */
    static TimeSeries series(Labels labels, Curve curve, long holeFrom, long holeTo) {
        List<Long> ts = new ArrayList<>();
        for (long t = NOW - 7_200_000; t <= NOW; t += 15_000) {
            if (t < holeFrom || t >= holeTo) {
                ts.add(t);
            }
        }
        long[] times = ts.stream().mapToLong(Long::longValue).toArray();
        double[] values = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            values[i] = curve.at(times[i]);
        }
        return new TimeSeries(labels, times, values);
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
