package io.basalt.node.web;

import io.basalt.node.admission.TooBusyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers shared by every node: overload is retryable (503 with {@code Retry-After}, as the remote-write spec tells
 * senders to retry); an oversized body is not (413).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class NodeErrorAdvice {

    /** The refused request's body was never read: it is read and dropped first, see {@link BoundedBody#discard}. */
    @ExceptionHandler(TooBusyException.class)
    public Mono<ResponseEntity<String>> tooBusy(TooBusyException e, ServerWebExchange exchange) {
        return BoundedBody.discard(exchange.getRequest())
            .thenReturn(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .contentType(MediaType.TEXT_PLAIN)
                .body(e.getMessage() + "\n"));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    public ResponseEntity<String> tooLarge(PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }
}
