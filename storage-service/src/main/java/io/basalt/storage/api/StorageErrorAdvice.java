package io.basalt.storage.api;

import io.basalt.model.InvalidLabelsException;
import io.basalt.tsdb.ReadOnlyException;
import io.basalt.wire.cluster.MalformedBodyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A body that does not decode can never succeed: 400, so insert nodes do not retry it elsewhere. A read-only node
 * (disk nearly full) answers 503 so insert nodes reroute to other nodes.
 */
@RestControllerAdvice
public class StorageErrorAdvice {

    @ExceptionHandler(MalformedBodyException.class)
    public ResponseEntity<String> malformed(MalformedBodyException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN).body(e.getMessage() + "\n");
    }

    /** A label set that decodes but is not valid (an empty or repeated name), found as the engine meets it. */
    @ExceptionHandler(InvalidLabelsException.class)
    public ResponseEntity<String> invalidLabels(InvalidLabelsException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN)
            .body("rows block: " + e.getMessage() + "\n");
    }

    @ExceptionHandler(ReadOnlyException.class)
    public ResponseEntity<String> readOnly(ReadOnlyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", "30")
            .contentType(MediaType.TEXT_PLAIN)
            .body(e.getMessage() + "\n");
    }
}
