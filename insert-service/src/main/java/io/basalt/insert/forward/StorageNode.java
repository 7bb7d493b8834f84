package io.basalt.insert.forward;

import io.basalt.wire.cluster.RowsCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/** One storage node as this insert node sees it: where it is and whether it is currently left out. */
public final class StorageNode {

    private static final MediaType ROWS = MediaType.parseMediaType(RowsCodec.CONTENT_TYPE);

    /**
     * Largest answer {@link #post} reads: one hash range's series with their samples, which the callers keep far
     * smaller by splitting ranges (repair's leaf ranges, the rebalancer's prefix bits).
     */
    /**
     * A node's series of one hash range ({@code prefix}, {@code prefixBits}) that a search query in the body matches;
     * a template, so that client metrics carry one {@code uri} tag for it whatever the range.
     */
    public static final String SEARCH_RANGE = "/internal/search?prefix={prefix}&prefixBits={prefixBits}";

    /** The tenants a node holds samples of in the span of the search query in the body. */
    public static final String TENANTS = "/internal/tenants";

    static final int MAX_ANSWER_BYTES = 512 * 1024 * 1024;

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

    /** {@link #insertRows} for the repairer's and rebalancer's threads: waits, and fails as {@link #post} does. */
    public void insertRowsBlocking(byte[] rowsBlock, Duration timeout) {
        post("/internal/insert", ROWS, rowsBlock, timeout);
    }

    /**
     * Posts {@code body} to an internal API of the node and waits for the whole answer, for the repairer's and the
     * rebalancer's threads. The answer is joined without the codecs' in-memory limit, which a hash range's samples may
     * exceed, up to {@link #MAX_ANSWER_BYTES}. {@code uriTemplate} is expanded with {@code uriVariables} so that the
     * client's {@code uri} metric tag is the template: one per API, not one per hash range.
     *
     * @throws StorageCallException when the call fails, times out or answers more than the bound
     */
    public byte[] post(String uriTemplate, MediaType contentType, byte[] body, Duration timeout,
            Object... uriVariables) {
        try {
            return DataBufferUtils.join(client.post()
                .uri(uriTemplate, uriVariables)
                .contentType(contentType)
                .bodyValue(body)
                .retrieve()
                .bodyToFlux(DataBuffer.class), MAX_ANSWER_BYTES)
                .map(StorageNode::bytes)
                .defaultIfEmpty(new byte[0])
                .timeout(timeout)
                .block();
        }
        catch (RuntimeException e) {
            String api = uriTemplate.replaceAll("\\?.*", "");
            if (e instanceof WebClientResponseException w) {
                throw new StorageCallException("storage node " + url + " failed " + api + ": HTTP "
                        + w.getStatusCode().value() + " " + w.getResponseBodyAsString().trim(),
                        w.getStatusCode().value(), e);
            }
            throw new StorageCallException("storage node " + url + " failed " + api + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), StorageCallException.NO_STATUS, e);
        }
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
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
