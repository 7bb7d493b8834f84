package io.basalt.select.ui;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A malformed tenant in a UI address is the caller's mistake: 400 with the reason, as the API answers. */
@RestControllerAdvice(assignableTypes = { UiController.class, AgentTargets.class })
public class UiErrorAdvice {

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> badTenant(IllegalArgumentException e) {
        return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(e.getMessage() + "\n");
    }
}
