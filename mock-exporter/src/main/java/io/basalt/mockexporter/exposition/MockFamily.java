package io.basalt.mockexporter.exposition;

import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;

/**
 * Every metric family the mock exporter serves, in page order: the catalogue that docs and tests read. Names are
 * the sample names of text format 0.0.4; {@link #metadata} derives the OpenMetrics family name from them.
 */
public enum MockFamily {

    BUILD_INFO("mock_exporter_build_info", MetricType.INFO, "Build of the mock exporter; always 1.", ""),
    NODE_UNAME_INFO("node_uname_info", MetricType.INFO, "Kernel of each simulated node, as uname reports it.", ""),
    POD_INFO("mock_pod_info", MetricType.INFO, "Node, zone and image of each simulated pod; always 1.", ""),
    HTTP_REQUESTS("http_requests_total", MetricType.COUNTER, "HTTP requests served, by method, path and status.",
            ""),
    HTTP_REQUEST_DURATION("http_request_duration_seconds", MetricType.HISTOGRAM, "Time to serve HTTP requests.",
            "seconds"),
    RPC_DURATION("rpc_duration_seconds", MetricType.SUMMARY, "Latency of backend calls over a sliding window.",
            "seconds"),
    HTTP_REQUESTS_IN_FLIGHT("http_requests_in_flight", MetricType.GAUGE, "Requests being served right now.", ""),
    PROCESS_RESIDENT_MEMORY("process_resident_memory_bytes", MetricType.GAUGE, "Resident memory size in bytes.",
            "bytes"),
    PROCESS_START_TIME("process_start_time_seconds", MetricType.GAUGE,
            "Start time of the process since unix epoch in seconds.", "seconds"),
    PROCESS_CPU("process_cpu_seconds_total", MetricType.COUNTER, "Total user and system CPU time spent in seconds.",
            "seconds"),
    PROCESS_OPEN_FDS("process_open_fds", MetricType.GAUGE, "Number of open file descriptors.", ""),
    JVM_MEMORY_USED("jvm_memory_used_bytes", MetricType.GAUGE, "Used JVM memory, by area (heap, nonheap).",
            "bytes"),
    JVM_GC_COLLECTIONS("jvm_gc_collections_total", MetricType.COUNTER, "Garbage collections since start.", ""),
    DEBUG_REQUEST_RATE("mock_debug_request_rate", MetricType.GAUGE,
            "Requests per second the simulation aimed at in its last tick; for troubleshooting only.", "");

    private final String name;

    private final MetricType type;

    private final String help;

    private final String unit;

    MockFamily(String name, MetricType type, String help, String unit) {
        this.name = name;
        this.type = type;
        this.help = help;
        this.unit = unit;
    }

    /** The sample name (histograms and summaries: the base of {@code _bucket}, {@code _sum}, {@code _count}). */
    public String sampleName() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    public boolean isDebug() {
        return this == DEBUG_REQUEST_RATE;
    }

    /**
     * The family as each format declares it. OpenMetrics names a counter without {@code _total} and an info family
     * without {@code _info}; text 0.0.4 has no info type, so info families are gauges there, as node_exporter's are.
     */
    public MetricMetadata metadata(ExpositionFormat format) {
        if (format == ExpositionFormat.OPENMETRICS) {
            String family = switch (type) {
                case COUNTER -> name.substring(0, name.length() - "_total".length());
                case INFO -> name.substring(0, name.length() - "_info".length());
                default -> name;
            };
            return new MetricMetadata(type, family, help, unit);
        }
        return new MetricMetadata(type == MetricType.INFO ? MetricType.GAUGE : type, name, help, unit);
    }
}
