package io.basalt.agent.web;

import io.basalt.agent.AgentProperties;
import io.basalt.agent.AgentRuntime;
import io.basalt.model.TimeSeries;
import io.basalt.node.web.BoundedBody;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionParseException;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import io.basalt.wire.remotewrite.RemoteWriteException;
import java.util.ArrayList;
import java.util.List;
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

    public PushController(AgentRuntime runtime, AgentProperties properties) {
        this.runtime = runtime;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE, properties.getMaxInsertRequestSize().toBytes());
        this.decoder = new RemoteWriteDecoder(maxBytes);
    }

    @PostMapping("/api/v1/write")
    public Mono<ResponseEntity<String>> write(ServerWebExchange exchange) {
        return body(exchange).publishOn(Schedulers.boundedElastic()).map(bytes -> {
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
        return body(exchange).publishOn(Schedulers.boundedElastic()).map(bytes -> {
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

    /** The body, or a 413 (through node-runtime's error advice) once it is over the limit; see {@link BoundedBody}. */
    private Mono<byte[]> body(ServerWebExchange exchange) {
        return BoundedBody.refuseIfDeclaredOver(exchange.getRequest(), maxBytes)
            .then(BoundedBody.read(exchange.getRequest(), maxBytes));
    }
}
