package io.basalt.insert.repair;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/repair[?lookback=P7D]}: starts a repair pass now (202), e.g. after a storage node was
 * restored from an old copy; 409 while one runs or is already asked for, 404 on an insert node without the repairer.
 * Progress shows in {@code /api/v1/status} under {@code repair} and in {@code basalt_insert_repair_*}.
 */
@RestController
public class RepairController {

    private final Repairer repairer;

    public RepairController(Repairer repairer) {
        this.repairer = repairer;
    }

    @PostMapping(path = "/internal/repair", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> start(@RequestParam(required = false) String lookback) {
        if (!repairer.enabled() || !repairer.isRunning()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(error("the repairer does not run on this insert "
                    + "node: set basalt.insert.repair.enabled=true on exactly one insert node (see /api/v1/status "
                    + "repair.lastError if it is set)"));
        }
        Duration span = null;
        if (lookback != null) {
            try {
                span = Duration.parse(lookback);
            }
            catch (DateTimeParseException e) {
                return ResponseEntity.badRequest().body(error("lookback must be an ISO-8601 duration such as PT6H "
                        + "or P7D; got " + lookback));
            }
            if (span.isNegative() || span.isZero()) {
                return ResponseEntity.badRequest().body(error("lookback must be positive; got " + lookback));
            }
        }
        if (!repairer.requestPass(span)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(error("a repair pass is already running or "
                    + "starting; watch /api/v1/status repair.running"));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body("{\"status\":\"started\"}");
    }

    private static String error(String message) {
        return "{\"status\":\"error\",\"error\":\"" + message.replace("\"", "'") + "\"}";
    }
}
