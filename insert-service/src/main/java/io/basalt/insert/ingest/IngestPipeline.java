package io.basalt.insert.ingest;

import io.basalt.insert.forward.ShardedWriter;
import io.basalt.insert.limits.SeriesLimits;
import io.basalt.insert.limits.TenantSeriesLimit;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.BodyBudget;
import io.basalt.node.web.BoundedBody;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.reactive.ServerHttpRequest;
import java.util.function.Function;
import io.basalt.relabel.Relabeler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What every ingestion protocol does once it has decoded series: extra labels, insert-time relabeling, per-series
 * and per-tenant limits, then sharded and replicated storage. A protocol that reads whole bodies uses
 * {@link #admitBody}: the body is received against the node's {@link BodyBudget}, and only a complete body waits for
 * one of {@code maxConcurrentInserts} slots to be decoded and stored, so a slow sender holds no slot. Streamed
 * imports run inside {@link #admitImport}, on slots of their own.
 */
@Component
public class IngestPipeline {

    private final Relabeler relabeler;

    private final SeriesLimits limits;

    private final TenantSeriesLimit tenantLimit;

    private final ShardedWriter writer;

    private final AdmissionGate gate;

    private final AdmissionGate importGate;

    private final BodyBudget bodies;

    private final Counter rows;

    private final Counter samples;

    private final Counter droppedByRelabeling;

    private final SampleRate rate = new SampleRate(System::currentTimeMillis);

    public IngestPipeline(Relabeler insertRelabeler, SeriesLimits limits, TenantSeriesLimit tenantLimit,
            ShardedWriter writer, @Qualifier("insertGate") AdmissionGate insertGate,
            @Qualifier("importGate") AdmissionGate importGate, BodyBudget bodies, MeterRegistry registry) {
        this.relabeler = insertRelabeler;
        this.limits = limits;
        this.tenantLimit = tenantLimit;
        this.writer = writer;
        this.gate = insertGate;
        this.importGate = importGate;
        this.bodies = bodies;
        this.rows = Counter.builder("basalt_insert_rows")
            .description("Series blocks stored on every replica (one per series per request or import batch)")
            .register(registry);
        this.samples = Counter.builder("basalt_insert_samples")
            .description("Samples stored on every replica")
            .register(registry);
        this.droppedByRelabeling = Counter.builder("basalt_insert_rows_relabel_dropped")
            .description("Series dropped on purpose by basalt.insert.relabel-config rules")
            .register(registry);
        Gauge.builder("basalt_insert_queue_size", insertGate, AdmissionGate::queued)
            .description("Ingestion requests waiting for a free slot (basalt.insert.max-concurrent-inserts)")
            .register(registry);
        Gauge.builder("basalt_insert_import_queue_size", importGate, AdmissionGate::queued)
            .description("Import requests waiting for a free slot (basalt.insert.max-concurrent-imports)")
            .register(registry);
    }

    /**
     * Receives the whole body (at most {@code maxBytes}), then runs {@code request} on it once an ingestion slot is
     * free; fails with 503 when the node's body budget is spent, after waiting too long or with a full queue.
     */
    public <T> Mono<T> admitBody(ServerHttpRequest http, long maxBytes, Function<byte[], Mono<T>> request) {
        return BoundedBody.read(http, maxBytes, bodies, body -> gate.run(() -> request.apply(body)));
    }

    /** Runs one streamed import once an import slot is free; fails with 503 after waiting too long or a full queue. */
    public <T> Mono<T> admitImport(Supplier<Mono<T>> request) {
        return importGate.run(request);
    }

    /** Completes once every kept series is stored on all its replicas. */
    public Mono<Void> ingest(TenantId tenant, List<TimeSeries> series, ExtraLabels extra) {
        return Mono.defer(() -> {
            List<TimeSeries> kept = prepare(tenant, series, extra);
            if (kept.isEmpty()) {
                return Mono.empty();
            }
            return writer.write(tenant, kept).doOnSuccess(v -> count(kept));
        });
    }

    /** The series that will be stored, labels as they will be stored; the others are counted by reason. */
    List<TimeSeries> prepare(TenantId tenant, List<TimeSeries> series, ExtraLabels extra) {
        List<TimeSeries> out = relabel(extra.apply(series));
        out = limits.admit(out);
        return tenantLimit.admit(tenant, out, ts -> limits.reject("tenant_series_limit", ts));
    }

    private List<TimeSeries> relabel(List<TimeSeries> series) {
        if (relabeler.isEmpty()) {
            return series;
        }
        List<TimeSeries> out = new ArrayList<>(series.size());
        for (TimeSeries ts : series) {
            Labels labels = relabeler.process(ts.labels());
            if (labels == null || labels.isEmpty()) {
                droppedByRelabeling.increment();
            }
            else {
                out.add(labels.equals(ts.labels()) ? ts : new TimeSeries(labels, ts.timestamps(), ts.values()));
            }
        }
        return out;
    }

    private void count(List<TimeSeries> stored) {
        rows.increment(stored.size());
        long n = 0;
        for (TimeSeries ts : stored) {
            n += ts.size();
        }
        samples.increment(n);
        rate.add(n);
    }

    /** Samples stored per second over the last minute. */
    public double samplesPerSecond() {
        return rate.perSecond();
    }

    public AdmissionGate gate() {
        return gate;
    }

    public TenantSeriesLimit tenantLimit() {
        return tenantLimit;
    }
}
