package io.basalt.insert.forward;

import io.basalt.wire.cluster.RowsCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** One storage node as this insert node sees it: where it is and whether it is currently left out. */
public final class StorageNode {

    private static final MediaType ROWS = MediaType.parseMediaType(RowsCodec.CONTENT_TYPE);

    private final String url;

    private final WebClient client;

    private final Timer latency;

    private final Counter errors;

    private final AtomicLong excludedUntil = new AtomicLong();

    private final AtomicReference<String> lastError = new AtomicReference<>();

    StorageNode(String url, WebClient client, Timer latency, Counter errors) {
        this.url = url;
        this.client = client;
        this.latency = latency;
        this.errors = errors;
    }

    public String url() {
        return url;
    }

    /** The node's client, for the internal calls other than inserts (the repairer's and rebalancer's reads). */
    public WebClient client() {
        return client;
    }

    Timer latency() {
        return latency;
    }

    Counter errors() {
        return errors;
    }

    /** Posts one rows block to the node's {@code /internal/insert}; completes when the node has stored it. */
    public Mono<Void> insertRows(byte[] rowsBlock, Duration timeout) {
        return client.post()
            .uri("/internal/insert")
            .contentType(ROWS)
            .bodyValue(rowsBlock)
            .retrieve()
            .toBodilessEntity()
            .timeout(timeout)
            .then();
    }

    public boolean isHealthy(long nowMillis) {
        return nowMillis >= excludedUntil.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public void markFailed(String reason, long nowMillis, long backoffMillis) {
        lastError.set(reason);
        excludedUntil.set(nowMillis + backoffMillis);
    }

    public void markHealthy() {
        lastError.set(null);
    }
}
