package io.basalt.select.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.select.fanout.PartialResult;
import io.basalt.select.fanout.StorageFanout;
import io.basalt.wire.cluster.SearchQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Prometheus' HTTP API under {@code /select/{tenant}/prometheus}: parameters come from the query string or a form
 * body, as Grafana sends either.
 */
@RestController
@RequestMapping(path = "/select/{tenant}/prometheus/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class PrometheusApiController {

    private final QueryExecutor executor;

    private final StorageFanout fanout;

    private final MeterRegistry registry;

    public PrometheusApiController(QueryExecutor executor, StorageFanout fanout, MeterRegistry registry) {
        this.executor = executor;
        this.fanout = fanout;
        this.registry = registry;
    }

    @RequestMapping(path = "/query", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<String> query(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            String query = required(p, "query");
            long time = ApiParams.time("time", p.getFirst("time"), System.currentTimeMillis());
            return timed("query", executor.run(TenantId.parse(tenant), query,
                    source -> executor.engine().instantQuery(source, query, time)))
                .map(r -> PrometheusJson.success(PrometheusJson.queryData(r.value()), r.warnings(), r.partial()));
        });
    }

    @RequestMapping(path = "/query_range", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<String> queryRange(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            String query = required(p, "query");
            long start = ApiParams.time("start", required(p, "start"), 0);
            long end = ApiParams.time("end", required(p, "end"), 0);
            long step = ApiParams.duration("step", required(p, "step"));
            if (end < start) {
                throw new BadRequestException("end timestamp must not be before start time");
            }
            if (step <= 0) {
                throw new BadRequestException(
                        "zero or negative query resolution step widths are not accepted. Try a positive integer");
            }
            if ((end - start) / step > 11_000) {
                throw new BadRequestException("exceeded maximum resolution of 11,000 points per timeseries. "
                        + "Try decreasing the query resolution (?step=XX)");
            }
            return timed("query_range", executor.run(TenantId.parse(tenant), query,
                    source -> executor.engine().rangeQuery(source, query, start, end, step)))
                .map(r -> PrometheusJson.success(PrometheusJson.queryData(r.value()), r.warnings(), r.partial()));
        });
    }

    @RequestMapping(path = "/series", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<String> series(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            List<String> selectors = p.getOrDefault("match[]", List.of());
            if (selectors.isEmpty()) {
                throw new BadRequestException("no match[] parameter provided");
            }
            return eachSelector(tenant, p, selectors, fanout::series)
                .map(r -> PrometheusJson.success(PrometheusJson.labelSets(r.value().stream()
                    .flatMap(List::stream).distinct().sorted().limit(limit(p)).toList()), r.warnings(), r.partial()));
        });
    }

    @RequestMapping(path = "/labels", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<String> labels(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> eachSelector(tenant, p, p.getOrDefault("match[]", List.of()),
                fanout::labelNames)
            .map(r -> PrometheusJson.success(PrometheusJson.strings(union(r.value(), limit(p))), r.warnings(),
                    r.partial())));
    }

    @GetMapping("/label/{name}/values")
    public Mono<String> labelValues(@PathVariable String tenant, @PathVariable String name,
            ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> eachSelector(tenant, p, p.getOrDefault("match[]", List.of()),
                q -> fanout.labelValues(name, q))
            .map(r -> PrometheusJson.success(PrometheusJson.strings(union(r.value(), limit(p))), r.warnings(),
                    r.partial())));
    }

    /** Grafana calls this to detect the flavour; no {@code features} map, so it is taken for plain Prometheus. */
    @GetMapping("/status/buildinfo")
    public String buildInfo() {
        return PrometheusJson.success("{\"version\":\"2.42.0\",\"revision\":\"basalt\",\"branch\":\"basalt\","
                + "\"buildUser\":\"basalt\",\"buildDate\":\"\",\"goVersion\":\"java" + Runtime.version().feature()
                + "\"}", List.of(), false);
    }

    @GetMapping("/metadata")
    public String metadata() {
        return PrometheusJson.success("{}", List.of(), false);
    }

    @RequestMapping(path = "/query_exemplars", method = { RequestMethod.GET, RequestMethod.POST })
    public String queryExemplars() {
        return PrometheusJson.success("[]", List.of(), false);
    }

    /** One storage round per {@code match[]} selector (or one with no matchers), answers kept per selector. */
    private <T> Mono<PartialResult<List<T>>> eachSelector(String tenant, MultiValueMap<String, String> p,
            List<String> selectors, Function<SearchQuery, Mono<PartialResult<T>>> call) {
        TenantId id = TenantId.parse(tenant);
        long start = ApiParams.time("start", p.getFirst("start"), ApiParams.MIN_TIME);
        long end = ApiParams.time("end", p.getFirst("end"), ApiParams.MAX_TIME);
        List<List<LabelMatcher>> matcherSets = new ArrayList<>();
        for (String s : selectors) {
            matcherSets.add(PromqlEngine.parseSeriesSelector(s));
        }
        if (matcherSets.isEmpty()) {
            matcherSets.add(List.of());
        }
        return reactor.core.publisher.Flux.fromIterable(matcherSets)
            .concatMap(m -> call.apply(new SearchQuery(id, start, end, m, 0)))
            .collectList()
            .map(results -> new PartialResult<>(results.stream().map(PartialResult::value).toList(),
                    results.stream().anyMatch(PartialResult::partial),
                    results.stream().flatMap(r -> r.warnings().stream()).distinct().toList()));
    }

    private static List<String> union(List<List<String>> lists, long limit) {
        return lists.stream().flatMap(List::stream).distinct().sorted().limit(limit).toList();
    }

    private static long limit(MultiValueMap<String, String> p) {
        String limit = p.getFirst("limit");
        if (limit == null || limit.isEmpty() || limit.equals("0")) {
            return Long.MAX_VALUE;
        }
        try {
            long n = Long.parseLong(limit);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        }
        catch (NumberFormatException e) {
            throw new BadRequestException("invalid parameter \"limit\": cannot parse \"" + limit + "\"");
        }
    }

    private static String required(MultiValueMap<String, String> p, String name) {
        String v = p.getFirst(name);
        if (v == null) {
            throw new BadRequestException("invalid parameter \"" + name + "\": parameter is missing");
        }
        return v;
    }

    private <T> Mono<T> timed(String endpoint, Mono<T> work) {
        Counter.builder("basalt_select_queries")
            .description("PromQL queries received")
            .tag("endpoint", endpoint)
            .register(registry)
            .increment();
        Timer.Sample timing = Timer.start(registry);
        return work.doFinally(s -> timing.stop(Timer.builder("basalt_select_query_duration")
            .description("Time to answer PromQL queries")
            .tag("endpoint", endpoint)
            .publishPercentileHistogram()
            .register(registry)));
    }

    /** Query-string and form parameters together, as Prometheus reads them. */
    private static Mono<MultiValueMap<String, String>> params(ServerWebExchange exchange) {
        MultiValueMap<String, String> all = new LinkedMultiValueMap<>(exchange.getRequest().getQueryParams());
        return exchange.getFormData().map(form -> {
            form.forEach((k, v) -> all.addAll(k, v));
            return all;
        });
    }
}
