package io.basalt.select.api;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.PromqlEngine;
import io.basalt.promql.engine.PromqlException;
import io.basalt.promql.engine.QueryResult;
import io.basalt.select.config.SelectProperties;
import io.basalt.select.fanout.NodeCardinality;
import io.basalt.select.fanout.PartialResult;
import io.basalt.select.fanout.ReadOptions;
import io.basalt.select.fanout.SampleBudget;
import io.basalt.select.fanout.StorageFanout;
import io.basalt.wire.cluster.SearchQuery;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Prometheus' HTTP API under {@code /select/{tenant}/prometheus}: parameters come from the query string or a form
 * body, as Grafana sends either. Large answers are streamed as they are rendered rather than built as one string.
 */
@RestController
@RequestMapping(path = "/select/{tenant}/prometheus/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class PrometheusApiController {

    /** Prometheus' cap on points per series in a range query. */
    static final long MAX_POINTS_PER_SERIES = 11_000;

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private static final MediaType JSON_LINES = MediaType.parseMediaType("application/stream+json");

    private final QueryExecutor executor;

    private final StorageFanout fanout;

    private final SelectProperties props;

    private final QueryLog queryLog;

    public PrometheusApiController(QueryExecutor executor, StorageFanout fanout, SelectProperties props,
            QueryLog queryLog) {
        this.executor = executor;
        this.fanout = fanout;
        this.props = props;
        this.queryLog = queryLog;
    }

    @RequestMapping(path = "/query", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<ResponseEntity<Flux<DataBuffer>>> query(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            TenantId id = TenantId.parse(tenant);
            String query = required(p, "query");
            long time = ApiParams.time("time", p.getFirst("time"), System.currentTimeMillis());
            ReadOptions options = readOptions(p);
            return queryLog.timed("query", id, query, executor.run(id, query, options,
                    (engine, source, cancel) -> engine.instantQuery(source, query, time, cancel)))
                .map(this::queryAnswer);
        });
    }

    @RequestMapping(path = "/query_range", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<ResponseEntity<Flux<DataBuffer>>> queryRange(@PathVariable String tenant,
            ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            TenantId id = TenantId.parse(tenant);
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
            if ((end - start) / step > MAX_POINTS_PER_SERIES) {
                throw new BadRequestException("exceeded maximum resolution of 11,000 points per timeseries. "
                        + "Try decreasing the query resolution (?step=XX)");
            }
            ReadOptions options = readOptions(p);
            return queryLog.timed("query_range", id, query, executor.run(id, query, options,
                    (engine, source, cancel) -> engine.rangeQuery(source, query, start, end, step, cancel)))
                .map(this::queryAnswer);
        });
    }

    @RequestMapping(path = "/series", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<ResponseEntity<Flux<DataBuffer>>> series(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            List<String> selectors = p.getOrDefault("match[]", List.of());
            if (selectors.isEmpty()) {
                throw new BadRequestException("no match[] parameter provided");
            }
            TenantId id = TenantId.parse(tenant);
            long limit = limit(p);
            ReadOptions options = readOptions(p);
            return queryLog.timed("series", id, String.join(" ", selectors), executor.admitted(options,
                    () -> eachSelector(id, p, selectors, q -> fanout.series(q, options))))
                .map(r -> {
                    TreeSet<Labels> all = new TreeSet<>();
                    r.value().forEach(all::addAll);
                    checkSeriesLimit(all.size());
                    List<Labels> out = all.stream().limit(limit).toList();
                    return answer(PrometheusJson.labelSetChunks(out), r, truncated(all.size(), limit));
                });
        });
    }

    @RequestMapping(path = "/labels", method = { RequestMethod.GET, RequestMethod.POST })
    public Mono<ResponseEntity<Flux<DataBuffer>>> labels(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            TenantId id = TenantId.parse(tenant);
            List<String> selectors = p.getOrDefault("match[]", List.of());
            ReadOptions options = readOptions(p);
            return queryLog.timed("labels", id, String.join(" ", selectors), executor.admitted(options,
                    () -> eachSelector(id, p, selectors, q -> fanout.labelNames(q, options))))
                .map(r -> stringsAnswer(r, limit(p)));
        });
    }

    /** GET only, as in Prometheus; Grafana sends label-value lookups as GET. */
    @GetMapping("/label/{name}/values")
    public Mono<ResponseEntity<Flux<DataBuffer>>> labelValues(@PathVariable String tenant, @PathVariable String name,
            ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new BadRequestException("invalid label name: \"" + name + "\"");
            }
            TenantId id = TenantId.parse(tenant);
            List<String> selectors = p.getOrDefault("match[]", List.of());
            ReadOptions options = readOptions(p);
            return queryLog.timed("label_values", id, name + " " + String.join(" ", selectors),
                    executor.admitted(options,
                            () -> eachSelector(id, p, selectors, q -> fanout.labelValues(name, q, options))))
                .map(r -> stringsAnswer(r, limit(p)));
        });
    }

    /**
     * Raw samples of every series matching {@code match[]} in [start, end], one JSON object per line, as
     * VictoriaMetrics' {@code /api/v1/export} writes them; streamed series by series.
     */
    @RequestMapping(path = "/export", method = { RequestMethod.GET, RequestMethod.POST },
            produces = { "application/stream+json", MediaType.APPLICATION_JSON_VALUE })
    public Mono<ResponseEntity<Flux<DataBuffer>>> export(@PathVariable String tenant, ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            List<String> selectors = p.getOrDefault("match[]", List.of());
            if (selectors.isEmpty()) {
                throw new BadRequestException("missing `match[]` query arg");
            }
            TenantId id = TenantId.parse(tenant);
            ReadOptions options = readOptions(p);
            int limit = props.getMaxSeries() + 1;
            SampleBudget samples = executor.sampleBudget();
            return queryLog.timed("export", id, String.join(" ", selectors), executor.admitted(options,
                    () -> eachSelector(id, p, selectors, limit, q -> fanout.search(q, options, samples))))
                .map(r -> {
                    List<TimeSeries> series = r.value().size() == 1 ? r.value().get(0) : distinct(r.value());
                    checkSeriesLimit(series.size());
                    if (r.partial()) {
                        queryLog.partialResponse();
                    }
                    return ResponseEntity.ok().contentType(JSON_LINES)
                        .body(buffers(PrometheusJson.exportLines(series)));
                });
        });
    }

    /**
     * Cardinality over the whole storage tier, in Prometheus' shape plus VictoriaMetrics' extra fields.
     * Parameters as in VictoriaMetrics: {@code topN} (10), {@code date} (YYYY-MM-DD, default today) and
     * {@code match[]}.
     */
    @GetMapping("/status/tsdb")
    public Mono<ResponseEntity<Flux<DataBuffer>>> tsdbStatus(@PathVariable String tenant,
            ServerWebExchange exchange) {
        return params(exchange).flatMap(p -> {
            TenantId id = TenantId.parse(tenant);
            int topN = topN(p.getFirst("topN"));
            LocalDate date = date(p.getFirst("date"));
            long min = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            long max = min + Duration.ofDays(1).toMillis() - 1;
            List<String> selectors = p.getOrDefault("match[]", List.of());
            List<LabelMatcher> matchers = new ArrayList<>();
            for (String s : selectors) {
                matchers.addAll(PromqlEngine.parseSeriesSelector(s));
            }
            ReadOptions options = readOptions(p);
            return queryLog.timed("status_tsdb", id, String.join(" ", selectors), executor.admitted(options,
                    () -> fanout.tsdbStatus(new SearchQuery(id, min, max, matchers, topN), options)))
                .map(r -> answer(List.of(PrometheusJson.utf8(tsdbStatusJson(r.value(), min, max, topN))), r, List.of()));
        });
    }

    /** Grafana calls this to detect the flavour; no {@code features} map, so it is taken for plain Prometheus. */
    @GetMapping("/status/buildinfo")
    public String buildInfo() {
        return PrometheusJson.success("{\"version\":\"2.42.0\",\"revision\":\"basalt\",\"branch\":\"basalt\","
                + "\"buildUser\":\"basalt\",\"buildDate\":\"\",\"goVersion\":\"java" + Runtime.version().feature()
                + "\"}", List.of(), false);
    }

    /** Basalt keeps no metric metadata (HELP/TYPE); an empty object is what Prometheus answers without any. */
    @GetMapping("/metadata")
    public String metadata() {
        return PrometheusJson.success("{}", List.of(), false);
    }

    /** Exemplars are not stored; Grafana asks for them with every panel and gets none. */
    @RequestMapping(path = "/query_exemplars", method = { RequestMethod.GET, RequestMethod.POST })
    public String queryExemplars() {
        return PrometheusJson.success("[]", List.of(), false);
    }

    /** Select nodes evaluate no rules; Grafana's rule and alert views then show none instead of an error. */
    @GetMapping("/rules")
    public String rules() {
        return PrometheusJson.success("{\"groups\":[]}", List.of(), false);
    }

    @GetMapping("/alerts")
    public String alerts() {
        return PrometheusJson.success("{\"alerts\":[]}", List.of(), false);
    }

    private ResponseEntity<Flux<DataBuffer>> queryAnswer(PartialResult<QueryResult> r) {
        return answer(PrometheusJson.queryDataChunks(r.value()), r, List.of());
    }

    private ResponseEntity<Flux<DataBuffer>> stringsAnswer(PartialResult<List<List<String>>> r, long limit) {
        TreeSet<String> all = new TreeSet<>();
        r.value().forEach(all::addAll);
        List<String> out = all.stream().limit(limit).toList();
        return answer(PrometheusJson.strings(out), r, truncated(all.size(), limit));
    }

    private ResponseEntity<Flux<DataBuffer>> answer(Iterable<ByteBuffer> data, PartialResult<?> r, List<String> more) {
        if (r.partial()) {
            queryLog.partialResponse();
        }
        List<String> warnings = new ArrayList<>(r.warnings());
        warnings.addAll(more);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
            .body(buffers(PrometheusJson.envelope(data, warnings, r.partial())));
    }

    private static Flux<DataBuffer> buffers(Iterable<ByteBuffer> chunks) {
        // The chunks are written in place as UTF-8 (JsonOutput); wrapping them copies nothing.
        return Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
    }

    private static List<String> truncated(int total, long limit) {
        return total > limit ? List.of("results truncated due to limit") : List.of();
    }

    private void checkSeriesLimit(int count) {
        if (count > props.getMaxSeries()) {
            throw new PromqlException(PromqlException.ErrorType.EXECUTION, "the request matches more than "
                    + props.getMaxSeries() + " series (basalt.select.max-series); narrow match[] or the time range");
        }
    }

    private ReadOptions readOptions(MultiValueMap<String, String> p) {
        Duration timeout = props.getMaxQueryDuration();
        String asked = p.getFirst("timeout");
        if (asked != null && !asked.isEmpty()) {
            Duration d = Duration.ofMillis(ApiParams.duration("timeout", asked));
            if (!d.isNegative() && !d.isZero() && d.compareTo(timeout) < 0) {
                timeout = d;
            }
        }
        boolean deny = props.isDenyPartialResponse() || flag(p.getFirst("deny_partial_response"));
        return ReadOptions.within(deny, timeout);
    }

    private static boolean flag(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    private <T> Mono<PartialResult<List<T>>> eachSelector(TenantId id, MultiValueMap<String, String> p,
            List<String> selectors, Function<SearchQuery, Mono<PartialResult<T>>> call) {
        return eachSelector(id, p, selectors, props.getMaxSeries() + 1, call);
    }

    /** One storage round per {@code match[]} selector (or one with no matchers), answers kept per selector. */
    private static <T> Mono<PartialResult<List<T>>> eachSelector(TenantId id, MultiValueMap<String, String> p,
            List<String> selectors, int limit, Function<SearchQuery, Mono<PartialResult<T>>> call) {
        long start = ApiParams.time("start", p.getFirst("start"), ApiParams.MIN_TIME);
        long end = ApiParams.time("end", p.getFirst("end"), ApiParams.MAX_TIME);
        List<List<LabelMatcher>> matcherSets = new ArrayList<>();
        for (String s : selectors) {
            matcherSets.add(PromqlEngine.parseSeriesSelector(s));
        }
        if (matcherSets.isEmpty()) {
            matcherSets.add(List.of());
        }
        return Flux.fromIterable(matcherSets)
            .concatMap(m -> call.apply(new SearchQuery(id, start, end, m, limit)))
            .collectList()
            .map(results -> new PartialResult<>(results.stream().map(PartialResult::value).toList(),
                    results.stream().anyMatch(PartialResult::partial),
                    results.stream().flatMap(r -> r.warnings().stream()).distinct().toList()));
    }

    private static List<TimeSeries> distinct(List<List<TimeSeries>> perSelector) {
        Map<Labels, TimeSeries> byLabels = new java.util.TreeMap<>();
        perSelector.forEach(list -> list.forEach(ts -> byLabels.putIfAbsent(ts.labels(), ts)));
        return new ArrayList<>(byLabels.values());
    }

    private static String tsdbStatusJson(NodeCardinality c, long min, long max, int topN) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"headStats\":{\"numSeries\":").append(c.totalSeries())
            .append(",\"numLabelPairs\":").append(c.totalLabelValuePairs())
            .append(",\"chunkCount\":0,\"minTime\":").append(min).append(",\"maxTime\":").append(max).append('}')
            .append(",\"totalSeries\":").append(c.totalSeries())
            .append(",\"totalLabelValuePairs\":").append(c.totalLabelValuePairs());
        c.lists().forEach((field, counts) -> {
            sb.append(",\"").append(field).append("\":[");
            List<Map.Entry<String, Long>> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(topN)
                .toList();
            for (int i = 0; i < top.size(); i++) {
                sb.append(i > 0 ? "," : "").append("{\"name\":").append(PrometheusJson.quote(top.get(i).getKey()))
                    .append(",\"value\":").append(top.get(i).getValue()).append('}');
            }
            sb.append(']');
        });
        return sb.append('}').toString();
    }

    private static int topN(String text) {
        if (text == null || text.isEmpty()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(text);
            if (n < 1 || n > 1000) {
                throw new NumberFormatException();
            }
            return n;
        }
        catch (NumberFormatException e) {
            throw new BadRequestException("invalid parameter \"topN\": must be an integer from 1 to 1000, not \""
                    + text + "\"");
        }
    }

    private static LocalDate date(String text) {
        if (text == null || text.isEmpty()) {
            return LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
        }
        try {
            return LocalDate.parse(text);
        }
        catch (DateTimeParseException e) {
            throw new BadRequestException("invalid parameter \"date\": want YYYY-MM-DD, not \"" + text + "\"");
        }
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

    /** Query-string and form parameters together, as Prometheus reads them. */
    static Mono<MultiValueMap<String, String>> params(ServerWebExchange exchange) {
        MultiValueMap<String, String> all = new LinkedMultiValueMap<>(exchange.getRequest().getQueryParams());
        return exchange.getFormData().map(form -> {
            form.forEach((k, v) -> all.addAll(k, v));
            return all;
        });
    }
}
