package io.basalt.node.web;

import io.basalt.node.admission.TooBusyException;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers shared by every node: overload is retryable (503 with {@code Retry-After}, as the remote-write spec tells
 * senders to retry); an oversized body is not (413); a wrong method names the right one (405).
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

    /**
     * 405 with {@code Allow} and a line saying what to do instead, rather than Spring's generic error body: the
     * endpoints that change data take POST only, unlike VictoriaMetrics' GET examples, and a caller copying those
     * needs to know why its GET stopped working.
     */
    @ExceptionHandler(MethodNotAllowedException.class)
    public Mono<ResponseEntity<String>> methodNotAllowed(MethodNotAllowedException e, ServerWebExchange exchange) {
        Set<HttpMethod> allowed = e.getSupportedMethods();
        String use = allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(" or "));
        String why = allowed.equals(Set.of(HttpMethod.POST))
                ? " (this endpoint changes or deletes data, so it takes POST only, unlike VictoriaMetrics' GET examples)"
                : "";
        String message = "405 " + e.getHttpMethod() + " is not allowed on "
                + exchange.getRequest().getPath().value() + ": use " + use + why + "\n";
        return BoundedBody.discard(exchange.getRequest())
            .thenReturn(ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                .allow(allowed.toArray(HttpMethod[]::new))
                .contentType(MediaType.TEXT_PLAIN)
                .body(message));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    public ResponseEntity<String> tooLarge(PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }
}
