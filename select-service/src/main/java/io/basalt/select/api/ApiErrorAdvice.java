package io.basalt.select.api;

import io.basalt.node.admission.TooBusyException;
import io.basalt.promql.engine.PromqlException;
import io.basalt.select.fanout.StorageUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors in Prometheus' envelope, with the status codes and {@code errorType}s Prometheus uses. */
@RestControllerAdvice(assignableTypes = { PrometheusApiController.class, DeleteSeriesController.class })
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiErrorAdvice {

    private final MeterRegistry registry;

    public ApiErrorAdvice(MeterRegistry registry) {
        this.registry = registry;
    }

    @ExceptionHandler(PromqlException.class)
    public ResponseEntity<String> promql(PromqlException e) {
        HttpStatus status = switch (e.errorType()) {
            case BAD_DATA -> HttpStatus.BAD_REQUEST;
            case EXECUTION -> HttpStatus.UNPROCESSABLE_CONTENT;
            case TIMEOUT, CANCELED -> HttpStatus.SERVICE_UNAVAILABLE;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        return respond(status, e.errorType().wireName(), e.getMessage());
    }

    @ExceptionHandler({ BadRequestException.class, IllegalArgumentException.class })
    public ResponseEntity<String> badRequest(RuntimeException e) {
        return respond(HttpStatus.BAD_REQUEST, "bad_data", e.getMessage());
    }

    @ExceptionHandler({ StorageUnavailableException.class, TooBusyException.class })
    public ResponseEntity<String> unavailable(RuntimeException e) {
        return respond(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
    }

    private ResponseEntity<String> respond(HttpStatus status, String errorType, String message) {
        Counter.builder("basalt_select_query_errors")
            .description("Failed queries by Prometheus errorType")
            .tag("type", errorType)
            .register(registry)
            .increment();
        return ResponseEntity.status(status)
            .contentType(MediaType.APPLICATION_JSON)
            .body(PrometheusJson.error(errorType, message));
    }
}
