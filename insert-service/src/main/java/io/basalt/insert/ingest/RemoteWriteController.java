package io.basalt.insert.ingest;

import io.basalt.insert.config.InsertProperties;
import io.basalt.model.TenantId;
import io.basalt.node.web.BoundedBody;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Prometheus remote write 1.0. 204 means every series is stored on all its replicas; 400, 413 and 415 mean the body
 * can never succeed (senders drop it); 503 means retry. The body is received against the node's body budget and
 * takes an ingestion slot only once complete (see {@link IngestPipeline#admitBody}).
 */
@RestController
public class RemoteWriteController {

    private final IngestPipeline pipeline;

    private final RemoteWriteDecoder decoder;

    private final InsertProperties props;

    public RemoteWriteController(IngestPipeline pipeline, InsertProperties props) {
        this.pipeline = pipeline;
        this.props = props;
        this.decoder = new RemoteWriteDecoder((int) Math.min(Integer.MAX_VALUE, props.getMaxInsertRequestSize()));
    }

    @PostMapping({ "/insert/{tenant}/prometheus/api/v1/write", "/insert/{tenant}/prometheus" })
    public Mono<ResponseEntity<Void>> write(@PathVariable String tenant,
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return write(Tenants.parse(tenant), Tenants.extraLabels(extraLabels), request);
    }

    /** Single-tenant shortcut, as Prometheus itself serves it: tenant 0:0. */
    @PostMapping("/api/v1/write")
    public Mono<ResponseEntity<Void>> writeDefaultTenant(
            @RequestParam(name = "extra_label", required = false) List<String> extraLabels,
            ServerHttpRequest request) {
        return write(TenantId.DEFAULT, Tenants.extraLabels(extraLabels), request);
    }

    private Mono<ResponseEntity<Void>> write(TenantId tenant, ExtraLabels extra, ServerHttpRequest request) {
        IngestBodies.requireRemoteWrite(request.getHeaders());
        // An oversized body is refused before waiting for a slot.
        return BoundedBody.refuseIfDeclaredOver(request, props.getMaxInsertRequestSize())
            .then(pipeline.admitBody(request, props.getMaxInsertRequestSize(),
                    body -> Mono.fromCallable(() -> decoder.decode(body))
                        .flatMap(decoded -> pipeline.ingest(tenant, decoded.series(), extra))))
            .thenReturn(ResponseEntity.noContent().build());
    }
}
