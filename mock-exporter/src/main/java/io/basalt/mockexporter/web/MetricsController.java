package io.basalt.mockexporter.web;

import io.basalt.mockexporter.exposition.FleetPage;
import io.basalt.mockexporter.simulation.MockExporterProperties;
import io.basalt.mockexporter.simulation.SimulatedFleet;
import io.basalt.wire.exposition.ExpositionFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The scrape endpoints. Each scrape first catches the simulated fleet up to the wall clock, then renders it.
 * <ul>
 * <li>{@code GET /metrics}: the fleet as one exporter, series without a {@code target} label.</li>
 * <li>{@code GET /metrics/target/{n}} and {@code GET /metrics?target=n}, {@code 0 <= n < targets}: the same fleet as
 * virtual target {@code n}, every series labelled {@code target="n"}; one process so stands in for many exporters in
 * load tests. Any other {@code n} answers 404.</li>
 * </ul>
 * Text format 0.0.4 unless {@code Accept} ranks OpenMetrics higher; gzip when {@code Accept-Encoding} allows it.
 * Pages are rendered off the event loop: a 100k-series page takes tens of milliseconds.
 */
@RestController
public class MetricsController {

    private final SimulatedFleet fleet;

    private final FleetPage page;

    private final int targets;

    public MetricsController(SimulatedFleet fleet, FleetPage page, MockExporterProperties props) {
        this.fleet = fleet;
        this.page = page;
        this.targets = props.getTargets();
    }

    @GetMapping("/metrics")
    public Mono<ResponseEntity<byte[]>> metrics(@RequestParam(name = "target", required = false) String target,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            @RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        return scrape(target, accept, acceptEncoding);
    }

    @GetMapping("/metrics/target/{target}")
    public Mono<ResponseEntity<byte[]>> target(@PathVariable("target") String target,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            @RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        return scrape(target, accept, acceptEncoding);
    }

    private Mono<ResponseEntity<byte[]>> scrape(String target, String accept, String acceptEncoding) {
        if (target != null && !isTarget(target)) {
            return Mono.just(ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                .body(("no virtual target '" + target + "': targets are 0.." + (targets - 1) + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        ExpositionFormat format = ScrapeNegotiation.format(accept);
        boolean gzip = ScrapeNegotiation.gzip(acceptEncoding);
        return Mono.fromCallable(() -> {
            fleet.advanceToNow();
            ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, format.contentType())
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT + ", " + HttpHeaders.ACCEPT_ENCODING);
            if (gzip) {
                response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
            }
            return response.body(render(format, target, gzip));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Canonical decimal numbers only, so that "007" and "7" are not two names of one target. */
    private boolean isTarget(String target) {
        if (target.isEmpty() || target.length() > 9 || (target.length() > 1 && target.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            if (target.charAt(i) < '0' || target.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(target) < targets;
    }

    /** Compresses after rendering, so the fleet's lock is held only while the page is written. */
    byte[] render(ExpositionFormat format, String target, boolean gzip) {
        ByteArrayOutputStream page = new ByteArrayOutputStream(64 * 1024);
        try (Writer writer = new OutputStreamWriter(page, StandardCharsets.UTF_8)) {
            this.page.write(writer, format, target);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!gzip) {
            return page.toByteArray();
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(page.size() / 8 + 64);
        try (OutputStream out = new GZIPOutputStream(compressed, 64 * 1024)) {
            page.writeTo(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }
}
