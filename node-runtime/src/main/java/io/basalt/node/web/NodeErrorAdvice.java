package io.basalt.node.web;

import io.basalt.node.admission.TooBusyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers shared by every node: overload is retryable (503 with {@code Retry-After}, as the remote-write spec tells
 * senders to retry); an oversized body is not (413).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class NodeErrorAdvice {

    @ExceptionHandler(TooBusyException.class)
    public ResponseEntity<String> tooBusy(TooBusyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", "1")
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    public ResponseEntity<String> tooLarge(PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }
}
