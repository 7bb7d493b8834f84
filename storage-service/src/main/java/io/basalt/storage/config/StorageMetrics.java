package io.basalt.storage.config;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.tsdb.DurableStorage;
import io.basalt.tsdb.EngineStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/** The engine's operator figures as Prometheus metrics; the names are the ones the dashboards query. */
@Component
public class StorageMetrics implements MeterBinder {

    private final DurableStorage engine;

    private final StorageProperties props;

    private volatile EngineStatus last;

    private volatile long lastRead;

    private final AdmissionGate insertGate;

    private final AdmissionGate selectGate;

    public StorageMetrics(DurableStorage engine, StorageProperties props,
            @Qualifier("insertGate") AdmissionGate insertGate,
            @Qualifier("selectGate") AdmissionGate selectGate) {
        this.engine = engine;
        this.props = props;
        this.insertGate = insertGate;
        this.selectGate = selectGate;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "basalt_storage_disk_used_bytes", "Bytes of parts and write-ahead log", s -> s.diskUsageBytes());
        Gauge.builder("basalt_storage_disk_free_bytes", this, StorageMetrics::freeBytes)
            .description("Usable disk space under the data path")
            .register(registry);
        Gauge.builder("basalt_storage_min_free_disk_space_bytes", props, p -> p.getMinFreeDiskSpaceBytes())
            .description("Free space below which the node turns read-only")
            .register(registry);
        gauge(registry, "basalt_storage_active_series", "Series known to this node", s -> s.activeSeries());
        gauge(registry, "basalt_storage_head_samples", "Samples in memory awaiting a flush", s -> s.headSamples());
        gauge(registry, "basalt_storage_partitions", "Time partitions", s -> s.partitions());
        gauge(registry, "basalt_storage_parts", "Immutable parts serving reads", s -> s.parts());
        gauge(registry, "basalt_storage_wal_size_bytes", "Bytes in write-ahead log segments", s -> s.walSizeBytes());
        gauge(registry, "basalt_storage_read_only", "1 while inserts are refused (disk nearly full)",
                s -> s.readOnly() ? 1 : 0);
        Gauge.builder("basalt_storage_insert_queue_size", insertGate, AdmissionGate::queued)
            .description("Insert requests waiting for one of max-concurrent-inserts slots")
            .register(registry);
        Gauge.builder("basalt_storage_select_queue_size", selectGate, AdmissionGate::queued)
            .description("Read requests waiting for one of max-concurrent-selects slots")
            .register(registry);
        Gauge.builder("basalt_storage_inserts_running", insertGate, AdmissionGate::running)
            .description("Insert requests being processed")
            .register(registry);
        Gauge.builder("basalt_storage_selects_running", selectGate, AdmissionGate::running)
            .description("Read requests being processed")
            .register(registry);
        counter(registry, "basalt_storage_rows_ingested", "Samples accepted since start", s -> s.rowsIngested());
        counter(registry, "basalt_storage_rows_dropped_outside_retention",
                "Samples refused because they are older than the retention period",
                s -> s.rowsDroppedOutsideRetention());
        // The engine counts these, but they join RequestMetrics' refusals in one family so that a single alert on
        // basalt_storage_rows_rejected_total catches a sender whose samples this node does not keep.
        FunctionCounter.builder("basalt_storage_rows_rejected", this, m -> m.status().rowsDroppedTooFarInFuture())
            .description("Samples of decoded insert requests that were refused, by reason")
            .tag("reason", "too_far_in_future")
            .register(registry);
        counter(registry, "basalt_storage_merges", "Part merges completed", s -> s.mergesTotal());
        counter(registry, "basalt_storage_flushes", "Head flushes completed", s -> s.flushesTotal());
        counter(registry, "basalt_storage_wal_corruptions", "Torn or corrupt log records cut off at replay",
                s -> s.walCorruptionsTotal());
        counter(registry, "basalt_storage_quarantined_parts", "Parts moved aside after a checksum failure",
                s -> s.quarantinedPartsTotal());
        counter(registry, "basalt_storage_background_failures",
                "Failed runs of the background flush, merge, retention and fsync tasks (each retried on its next tick)",
                s -> s.backgroundFailuresTotal());
    }

    /** The engine's own probe, so the gauge shows exactly what the read-only decision sees. */
    private double freeBytes() {
        try {
            return engine.config().freeSpaceProbe().usableBytes(engine.config().dataPath());
        }
        catch (IOException e) {
            return Double.NaN;
        }
    }

    /** One status read serves every meter of a scrape. */
    private EngineStatus status() {
        long now = System.currentTimeMillis();
        if (last == null || now - lastRead > 1000) {
            last = engine.status();
            lastRead = now;
        }
        return last;
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<EngineStatus> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.status())).description(help).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<EngineStatus> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.status())).description(help).register(registry);
    }
}
