package io.basalt.agent.web;

import io.basalt.agent.AgentMetrics;
import io.basalt.agent.AgentProperties;
import io.basalt.agent.AgentRuntime;
import io.basalt.agent.remotewrite.QueueAppendException;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.BodyBudget;
import io.basalt.node.admission.TooBusyException;
import io.basalt.node.web.BoundedBody;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionParseException;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import io.basalt.wire.remotewrite.RemoteWriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The agent's own ingestion: Prometheus remote write and text-format import, forwarded through the same queues as
 * scraped samples; and {@code POST /-/reload}.
 */
@RestController
public class PushController {

    private final AgentRuntime runtime;

    private final RemoteWriteDecoder decoder;

    private final int maxBytes;

    private final AdmissionGate gate;

    private final AgentMetrics metrics;

    private final BodyBudget bodies;

    public PushController(AgentRuntime runtime, AgentProperties properties, AdmissionGate pushGate,
            AgentMetrics metrics, BodyBudget bodies) {
        this.runtime = runtime;
        this.gate = pushGate;
        this.metrics = metrics;
        this.bodies = bodies;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE, properties.getMaxInsertRequestSize().toBytes());
        this.decoder = new RemoteWriteDecoder(maxBytes);
    }

    @PostMapping("/api/v1/write")
    public Mono<ResponseEntity<String>> write(ServerWebExchange exchange) {
        return admitted(exchange, bytes -> {
            try {
                runtime.push(decoder.decode(bytes).series());
                return ResponseEntity.noContent().<String>build();
            }
            catch (RemoteWriteException e) {
                return ResponseEntity.status(e.httpStatus()).body(e.getMessage());
            }
        });
    }

    @PostMapping("/api/v1/import/prometheus")
    public Mono<ResponseEntity<String>> importText(ServerWebExchange exchange,
            @RequestHeader(name = "Content-Type", required = false) String contentType) {
        return admitted(exchange, bytes -> {
            long now = System.currentTimeMillis();
            List<TimeSeries> series = new ArrayList<>();
            try {
                new ExpositionParser(ExpositionFormat.fromContentType(contentType)).parse(bytes,
                        (family, labels, value, ts) -> series.add(TimeSeries.single(labels,
                                ts == ExpositionParser.NO_TIMESTAMP ? now : ts, value)));
            }
            catch (ExpositionParseException e) {
                return ResponseEntity.badRequest().body("cannot parse the body: " + e.getMessage());
            }
            runtime.push(series);
            return ResponseEntity.noContent().<String>build();
        });
    }

    @PostMapping("/-/reload")
    public Mono<ResponseEntity<String>> reload() {
        return Mono.fromCallable(() -> {
            try {
                runtime.reload();
                return ResponseEntity.ok("config reloaded\n");
            }
            catch (InvalidAgentConfigException e) {
                return ResponseEntity.badRequest().body("failed to reload config: " + e.getMessage() + "\n");
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Runs {@code handle} on the body once it is complete and the push gate admits it, as insert does: the body is
     * received against the node's {@link BodyBudget}, so a slow sender holds memory for what it sent, never a slot. A
     * declared size over the limit is refused with 413 (through node-runtime's error advice) before anything else. A
     * refusal by the budget, the gate or the disk queue is a counted 503 with {@code Retry-After}: the sender keeps
     * the samples and sends them again.
     */
    private Mono<ResponseEntity<String>> admitted(ServerWebExchange exchange,
            Function<byte[], ResponseEntity<String>> handle) {
        return BoundedBody.refuseIfDeclaredOver(exchange.getRequest(), maxBytes)
            .then(BoundedBody.read(exchange.getRequest(), maxBytes, bodies, body -> gate.run(
                    () -> Mono.fromCallable(() -> handle.apply(body)).subscribeOn(Schedulers.boundedElastic()))))
            .onErrorResume(TooBusyException.class, e -> BoundedBody.discard(exchange.getRequest())
                .thenReturn(retryLater("too_busy", "1", e.getMessage())))
            .onErrorResume(QueueAppendException.class, e -> Mono.just(retryLater("append_failed", "5",
                    "samples not stored: " + e.getMessage())));
    }

    private ResponseEntity<String> retryLater(String reason, String retryAfterSeconds, String message) {
        metrics.pushRefused(reason);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", retryAfterSeconds)
            .contentType(MediaType.TEXT_PLAIN)
            .body(message + "\n");
    }
}
