package io.basalt.insert.ingest;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.imports.BlockBatcher;
import io.basalt.insert.imports.JsonLinesImport;
import io.basalt.insert.imports.PrometheusTextImport;
import io.basalt.insert.imports.SampleSink;
import io.basalt.model.TenantId;
import io.basalt.node.web.BoundedBody;
import io.basalt.wire.vmnative.VmNativeReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.ZipException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * VictoriaMetrics' import APIs (text, JSON lines, native), for backfills, tests and vmctl migrations. Bodies are parsed as a stream on a worker
 * thread and stored in blocks of at most {@code maxRowsPerBlock} samples while the next block is parsed, so an import
 * of any size holds only a few blocks in memory. 204 means every sample is stored on all its replicas. A failure
 * mid-body (a malformed line, the size limit, storage unavailable) fails the request, but blocks stored before it
 * stay stored: re-sending the whole body is safe because storage keeps one sample per series and timestamp.
 */
@RestController
public class ImportController {

    private final IngestPipeline pipeline;

    private final InsertProperties props;

    public ImportController(IngestPipeline pipeline, InsertProperties props) {
        this.pipeline = pipeline;
        this.props = props;
    }

    @PostMapping("/insert/{tenant}/prometheus/api/v1/import/prometheus")
    public Mono<ResponseEntity<Void>> importText(@PathVariable String tenant,
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return importText(Tenants.parse(tenant), Tenants.extraLabels(extraLabels), request);
    }

    @PostMapping("/insert/{tenant}/prometheus/api/v1/import")
    public Mono<ResponseEntity<Void>> importJsonLines(@PathVariable String tenant,
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return importJsonLines(Tenants.parse(tenant), Tenants.extraLabels(extraLabels), request);
    }

    /** Single-node paths (tenant 0:0), where vmctl and scripts written for VictoriaMetrics single send. */
    @PostMapping("/api/v1/import/prometheus")
    public Mono<ResponseEntity<Void>> importTextDefaultTenant(
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return importText(TenantId.DEFAULT, Tenants.extraLabels(extraLabels), request);
    }

    @PostMapping("/api/v1/import")
    public Mono<ResponseEntity<Void>> importJsonLinesDefaultTenant(
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return importJsonLines(TenantId.DEFAULT, Tenants.extraLabels(extraLabels), request);
    }

    /**
     * VictoriaMetrics' native export format, as {@code vmctl vm-native} sends it to
     * {@code <dst-addr>/api/v1/import/native}: with
     * {@code --vm-native-dst-addr=http://insert:8480/insert/<tenant>/prometheus} into that tenant, with
     * {@code http://insert:8480} into tenant 0:0.
     */
    @PostMapping({ "/insert/{tenant}/prometheus/api/v1/import/native", "/api/v1/import/native" })
    public Mono<ResponseEntity<Void>> importNative(@PathVariable(required = false) String tenant,
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        TenantId id = tenant == null ? TenantId.DEFAULT : Tenants.parse(tenant);
        return run(id, Tenants.extraLabels(extraLabels), request,
                (in, sink) -> VmNativeReader.read(in, sink::samples));
    }

    /** vmctl checks {@code <vm-addr>/health} before it imports. */
    @GetMapping(path = "/health", produces = MediaType.TEXT_PLAIN_VALUE)
    public String health() {
        return "OK";
    }

    private Mono<ResponseEntity<Void>> importText(TenantId tenant, ExtraLabels extra, ServerHttpRequest request) {
        long receivedAt = System.currentTimeMillis();
        return run(tenant, extra, request, (in, sink) -> PrometheusTextImport.read(in, receivedAt, sink));
    }

    private Mono<ResponseEntity<Void>> importJsonLines(TenantId tenant, ExtraLabels extra,
            ServerHttpRequest request) {
        return run(tenant, extra, request, JsonLinesImport::read);
    }

    private Mono<ResponseEntity<Void>> run(TenantId tenant, ExtraLabels extra, ServerHttpRequest request,
            Format format) {
        return BoundedBody.refuseIfDeclaredOver(request, props.getMaxInsertRequestSize())
            .then(pipeline.admitImport(() -> Mono.fromCallable(() -> {
            BlockBatcher batcher = new BlockBatcher(props.getMaxRowsPerBlock(),
                    block -> pipeline.ingest(tenant, block, extra), props.getStorageTimeout().multipliedBy(2));
            try (InputStream in = IngestBodies.open(request, props.getMaxInsertRequestSize())) {
                format.read(in, batcher);
            }
            catch (ZipException | EOFException e) {
                throw new BadIngestRequestException("invalid_gzip", "gzip: body is not valid gzip data: "
                        + e.getMessage());
            }
            catch (IllegalArgumentException e) {
                throw new BadIngestRequestException("invalid_import", e.getMessage());
            }
            batcher.finish();
            return ResponseEntity.noContent().<Void>build();
        }).subscribeOn(Schedulers.boundedElastic())));
    }

    @FunctionalInterface
    private interface Format {
        void read(InputStream body, SampleSink sink) throws IOException;
    }
}
