package io.basalt.select.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.select.config.SelectProperties;
import io.basalt.select.fanout.ReadOptions;
import io.basalt.select.fanout.StorageFanout;
import io.basalt.wire.cluster.SearchQuery;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * VictoriaMetrics cluster's delete API, under its own {@code /delete/} prefix (so that a proxy can keep it apart from
 * reads): every series of the tenant matching any {@code match[]} selector is deleted on every storage node, with
 * all its samples. 204 once every node has deleted; 503 if any node did not, since a delete that missed a node is
 * not done. POST only, unlike VictoriaMetrics (which also takes GET): a GET can be triggered by any page a browser
 * loads and carries the browser's stored basic credentials. GET answers 405.
 */
@RestController
public class DeleteSeriesController {

    private static final Logger log = LoggerFactory.getLogger(DeleteSeriesController.class);

    private final StorageFanout fanout;

    private final SelectProperties props;

    public DeleteSeriesController(StorageFanout fanout, SelectProperties props) {
        this.fanout = fanout;
        this.props = props;
    }

    @PostMapping("/delete/{tenant}/prometheus/api/v1/admin/tsdb/delete_series")
    public Mono<ResponseEntity<Void>> deleteSeries(@PathVariable String tenant, ServerWebExchange exchange) {
        return PrometheusApiController.params(exchange).flatMap(p -> {
            TenantId id = TenantId.parse(tenant);
            List<String> selectors = p.getOrDefault("match[]", List.of());
            if (selectors.isEmpty()) {
                throw new BadRequestException("missing `match[]` arg");
            }
            // Prometheus deletes only [start, end]; here whole series go. Refusing the range keeps a request meant
            // for one hour from silently wiping the series' whole history.
            if (p.containsKey("start") || p.containsKey("end")) {
                throw new BadRequestException("delete_series deletes whole series; `start` and `end` are not "
                        + "supported");
            }
            List<List<LabelMatcher>> matcherSets = new ArrayList<>();
            for (String s : selectors) {
                matcherSets.add(PromqlEngine.parseSeriesSelector(s));
            }
            ReadOptions options = ReadOptions.within(true, props.getMaxQueryDuration());
            return Flux.fromIterable(matcherSets)
                .concatMap(m -> fanout.deleteSeries(
                        new SearchQuery(id, ApiParams.MIN_TIME, ApiParams.MAX_TIME, m, 0), options))
                .reduce(0L, Long::sum)
                .map(deleted -> {
                    log.info("deleted {} series copies (summed over storage nodes) of tenant {} matching {}",
                            deleted, id, selectors);
                    return ResponseEntity.noContent().build();
                });
        });
    }
}
