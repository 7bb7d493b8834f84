package io.basalt.insert.ingest;

import io.basalt.insert.forward.NotEnoughStorageNodesException;
import io.basalt.insert.forward.RejectedByStorageException;
import io.basalt.node.admission.TooBusyException;
import io.basalt.node.web.BoundedBody;
import io.basalt.node.web.PayloadTooLargeException;
import io.basalt.wire.remotewrite.RemoteWriteException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Status codes as the remote-write spec tells senders to act on them: 4xx only for data that can never succeed,
 * 503 with {@code Retry-After} for anything worth retrying. Every refusal is counted in
 * {@code basalt_insert_requests_rejected_total} by reason; the body is one line of plain text saying why.
 *
 * <p>Every refusal also closes the connection: many are answered before the body is read (wrong media type, declared
 * size over the limit, no free slot), and the unread rest of a body would otherwise stall the next request that a
 * keep-alive client sends on the same connection.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class IngestErrorAdvice {

    private final MeterRegistry registry;

    public IngestErrorAdvice(MeterRegistry registry) {
        this.registry = registry;
    }

    @ExceptionHandler(RemoteWriteException.class)
    public ResponseEntity<String> badRemoteWrite(RemoteWriteException e) {
        return refuse(HttpStatus.valueOf(e.httpStatus()), e.reason().name().toLowerCase(Locale.ROOT), e.getMessage());
    }

    @ExceptionHandler(BadIngestRequestException.class)
    public ResponseEntity<String> badIngest(BadIngestRequestException e) {
        return refuse(HttpStatus.BAD_REQUEST, e.reason(), e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> badRequest(IllegalArgumentException e) {
        return refuse(HttpStatus.BAD_REQUEST, "bad_request", e.getMessage());
    }

    @ExceptionHandler(UnsupportedMediaTypeException.class)
    public ResponseEntity<String> unsupportedMediaType(UnsupportedMediaTypeException e) {
        return refuse(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", e.getMessage());
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    public ResponseEntity<String> tooLarge(PayloadTooLargeException e) {
        return refuse(HttpStatus.CONTENT_TOO_LARGE, "too_large", e.getMessage());
    }

    @ExceptionHandler(RejectedByStorageException.class)
    public ResponseEntity<String> rejected(RejectedByStorageException e) {
        return refuse(HttpStatus.BAD_REQUEST, "rejected_by_storage", e.getMessage());
    }

    @ExceptionHandler(NotEnoughStorageNodesException.class)
    public ResponseEntity<String> unavailable(NotEnoughStorageNodesException e) {
        return retryLater("storage_unavailable", "5", e.getMessage());
    }

    /** Refused before its body was read: the body is read and dropped first, see {@link BoundedBody#discard}. */
    @ExceptionHandler(TooBusyException.class)
    public Mono<ResponseEntity<String>> tooBusy(TooBusyException e, ServerWebExchange exchange) {
        return BoundedBody.discard(exchange.getRequest()).thenReturn(retryLater("too_busy", "1", e.getMessage()));
    }

    private ResponseEntity<String> retryLater(String reason, String retryAfterSeconds, String message) {
        count(reason);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", retryAfterSeconds)
            .header(HttpHeaders.CONNECTION, "close")
            .contentType(MediaType.TEXT_PLAIN)
            .body(message + "\n");
    }

    private ResponseEntity<String> refuse(HttpStatus status, String reason, String message) {
        count(reason);
        return ResponseEntity.status(status)
            .header(HttpHeaders.CONNECTION, "close")
            .contentType(MediaType.TEXT_PLAIN)
            .body(message + "\n");
    }

    private void count(String reason) {
        Counter.builder("basalt_insert_requests_rejected")
            .description("Ingestion requests refused, by reason")
            .tag("reason", reason)
            .register(registry)
            .increment();
    }
}
