package io.basalt.storage.api;

import io.basalt.wire.cluster.MalformedBodyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A body that does not decode can never succeed: 400, so insert nodes do not retry it elsewhere. */
@RestControllerAdvice
public class StorageErrorAdvice {

    @ExceptionHandler(MalformedBodyException.class)
    public ResponseEntity<String> malformed(MalformedBodyException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN).body(e.getMessage() + "\n");
    }
}
