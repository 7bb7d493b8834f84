package io.basalt.wire.remotewrite;

import io.basalt.model.TimeSeries;
import io.basalt.wire.metadata.MetricMetadata;
import java.util.List;

/**
 * Encodes series (and optionally metadata) as a Prometheus remote write 1.0 body: a snappy block-compressed
 * {@code WriteRequest}, ready to POST with {@link #CONTENT_TYPE} and {@link #CONTENT_ENCODING}. The bytes are
 * {@link WriteRequestBuffer}'s, which senders of the same series over and over use directly.
 */
public final class RemoteWriteEncoder {

    public static final String CONTENT_TYPE = "application/x-protobuf";

    public static final String CONTENT_ENCODING = "snappy";

    /** The {@code X-Prometheus-Remote-Write-Version} header value of remote write 1.0. */
    public static final String VERSION_HEADER_VALUE = "0.1.0";

    private RemoteWriteEncoder() {
    }

    public static byte[] encode(List<TimeSeries> series) {
        return encode(series, List.of());
    }

    public static byte[] encode(List<TimeSeries> series, List<MetricMetadata> metadata) {
        return fill(series, metadata).snappy();
    }

    /** The uncompressed {@code WriteRequest} bytes. */
    public static byte[] encodeProtobuf(List<TimeSeries> series, List<MetricMetadata> metadata) {
        return fill(series, metadata).protobuf();
    }

    private static WriteRequestBuffer fill(List<TimeSeries> series, List<MetricMetadata> metadata) {
        WriteRequestBuffer b = new WriteRequestBuffer(64 * (series.size() + metadata.size()));
        for (TimeSeries ts : series) {
            b.add(ts.labels(), ts.timestamps(), ts.values());
        }
        for (MetricMetadata m : metadata) {
            b.addMetadata(m);
        }
        return b;
    }
}
