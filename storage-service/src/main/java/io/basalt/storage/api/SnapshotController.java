package io.basalt.storage.api;

import io.basalt.tsdb.DurableStorage;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Snapshots with VictoriaMetrics' paths and answers: a snapshot is a directory of hard links to immutable parts
 * under {@code <dataPath>/snapshots/<name>}, cheap to make and safe to copy away while the node runs. Creating and
 * deleting take POST only (VictoriaMetrics' examples use GET): a GET can be triggered by any page a browser loads,
 * an image tag is enough, and reaches the node with the browser's stored basic credentials. GET answers 405.
 */
@RestController
@RequestMapping(path = "/snapshot")
public class SnapshotController {

    private final DurableStorage engine;

    public SnapshotController(DurableStorage engine) {
        this.engine = engine;
    }

    @PostMapping("/create")
    public Mono<Map<String, Object>> create() {
        return UninterruptedCall.call(
                () -> Map.<String, Object>of("status", "ok", "snapshot", engine.snapshotCreate()));
    }

    @RequestMapping(path = "/list", method = { RequestMethod.GET, RequestMethod.POST })
    public Map<String, Object> list() {
        return Map.of("status", "ok", "snapshots", engine.snapshotList());
    }

    @PostMapping("/delete")
    public ResponseEntity<Map<String, Object>> delete(@RequestParam String snapshot) {
        if (!engine.snapshotDelete(snapshot)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Map.of("status", "error", "msg", "no snapshot named '" + snapshot + "'"));
        }
        return ResponseEntity.ok(Map.of("status", "ok"));
    }

    @PostMapping("/delete_all")
    public Map<String, Object> deleteAll() {
        List<String> names = engine.snapshotList();
        names.forEach(engine::snapshotDelete);
        return Map.of("status", "ok", "deleted", names);
    }
}
