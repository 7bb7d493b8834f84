package io.basalt.insert.ingest;

import io.basalt.insert.forward.ShardedWriter;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** What every ingestion protocol does once its body is decoded: limits, then sharded and replicated storage. */
@Component
public class IngestPipeline {

    private final SeriesLimits limits;

    private final ShardedWriter writer;

    private final AdmissionGate gate;

    private final Counter rows;

    private final Counter samples;

    public IngestPipeline(SeriesLimits limits, ShardedWriter writer, AdmissionGate insertGate, MeterRegistry registry) {
        this.limits = limits;
        this.writer = writer;
        this.gate = insertGate;
        this.rows = Counter.builder("basalt_insert_rows")
            .description("Series blocks stored on every replica")
            .register(registry);
        this.samples = Counter.builder("basalt_insert_samples")
            .description("Samples stored on every replica")
            .register(registry);
        Gauge.builder("basalt_insert_queue_size", insertGate, AdmissionGate::queued)
            .description("Ingestion requests waiting for a free slot (basalt.insert.max-concurrent-inserts)")
            .register(registry);
    }

    /** Completes once every admitted series is stored on all its replicas. */
    public Mono<Void> ingest(TenantId tenant, List<TimeSeries> series) {
        List<TimeSeries> admitted = limits.admit(series);
        return gate.run(() -> writer.write(tenant, admitted))
            .doOnSuccess(v -> {
                rows.increment(admitted.size());
                long n = 0;
                for (TimeSeries ts : admitted) {
                    n += ts.size();
                }
                samples.increment(n);
            });
    }

    public AdmissionGate gate() {
        return gate;
    }
}
