package io.basalt.insert.ingest;

import io.basalt.insert.forward.NotEnoughStorageNodesException;
import io.basalt.insert.forward.RejectedByStorageException;
import io.basalt.wire.remotewrite.RemoteWriteException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Status codes as the remote-write spec tells senders to act on them: 4xx only for data that can never succeed,
 * 503 with {@code Retry-After} for anything worth retrying. Every refusal is counted by reason.
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

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> badRequest(IllegalArgumentException e) {
        return refuse(HttpStatus.BAD_REQUEST, "bad_request", e.getMessage());
    }

    @ExceptionHandler(RejectedByStorageException.class)
    public ResponseEntity<String> rejected(RejectedByStorageException e) {
        return refuse(HttpStatus.BAD_REQUEST, "rejected_by_storage", e.getMessage());
    }

    @ExceptionHandler(NotEnoughStorageNodesException.class)
    public ResponseEntity<String> unavailable(NotEnoughStorageNodesException e) {
        count("storage_unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", "5")
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }

    private ResponseEntity<String> refuse(HttpStatus status, String reason, String message) {
        count(reason);
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(message + "\n");
    }

    private void count(String reason) {
        Counter.builder("basalt_insert_requests_rejected")
            .description("Ingestion requests refused, by reason")
            .tag("reason", reason)
            .register(registry)
            .increment();
    }
}
