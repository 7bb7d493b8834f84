package io.basalt.mockexporter.web;

import io.basalt.mockexporter.simulation.SimulatedService;
import io.basalt.mockexporter.simulation.SimulatedService.Instance;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /metrics}: every scrape advances the simulation by one step and renders it. */
@RestController
public class MetricsController {

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final SimulatedService service;

    public MetricsController(SimulatedService service) {
        this.service = service;
    }

    @GetMapping(path = "/metrics", produces = TEXT_FORMAT)
    public String metrics() {
        service.advance();
        return service.read(MetricsController::render);
    }

    static String render(List<Instance> instances) {
        TextPage page = new TextPage();
        page.family("mock_exporter_build_info", "gauge", "Build of the mock exporter; always 1.");
        page.sample("mock_exporter_build_info", 1, "version", "0.1.0", "revision", "basalt");
        page.family("http_requests_total", "counter", "HTTP requests served, by method, path and status.");
        instances.forEach(in -> in.forEachRequestCount((method, path, status, count) -> page.sample(
                "http_requests_total", count, "pod", in.pod(), "method", method, "path", path, "status", status)));
        page.family("http_request_duration_seconds", "histogram", "Time to serve HTTP requests.");
        instances.forEach(in -> in.forEachDuration((method, path, buckets, sum, count) -> {
            for (int b = 0; b < SimulatedService.BUCKETS.length; b++) {
                page.sample("http_request_duration_seconds_bucket", buckets[b], "pod", in.pod(), "method", method,
                        "path", path, "le", TextPage.number(SimulatedService.BUCKETS[b]));
            }
            page.sample("http_request_duration_seconds_bucket", count, "pod", in.pod(), "method", method, "path",
                    path, "le", "+Inf");
            page.sample("http_request_duration_seconds_sum", sum, "pod", in.pod(), "method", method, "path", path);
            page.sample("http_request_duration_seconds_count", count, "pod", in.pod(), "method", method, "path",
                    path);
        }));
        page.family("rpc_duration_seconds", "summary", "Latency of backend calls over a sliding window.");
        for (Instance in : instances) {
            for (double q : SimulatedService.QUANTILES) {
                page.sample("rpc_duration_seconds", in.quantile(q), "pod", in.pod(), "quantile", TextPage.number(q));
            }
            page.sample("rpc_duration_seconds_sum", in.totalDurationSeconds(), "pod", in.pod());
            page.sample("rpc_duration_seconds_count", in.totalRequests(), "pod", in.pod());
        }
        page.family("http_requests_in_flight", "gauge", "Requests being served right now.");
        instances.forEach(in -> page.sample("http_requests_in_flight", in.inFlight(), "pod", in.pod()));
        page.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        instances.forEach(in -> page.sample("process_resident_memory_bytes", in.memoryBytes(), "pod", in.pod()));
        page.family("jvm_memory_used_bytes", "gauge", "Used heap memory.");
        instances.forEach(in -> page.sample("jvm_memory_used_bytes", in.heapUsedBytes(), "pod", in.pod(), "area",
                "heap"));
        page.family("jvm_gc_collections_total", "counter", "Garbage collections since start.");
        instances.forEach(in -> page.sample("jvm_gc_collections_total", in.gcCollections(), "pod", in.pod()));
        return page.toString();
    }
}
