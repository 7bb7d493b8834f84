package io.basalt.wire.remotewrite;

import io.basalt.model.TimeSeries;
import io.basalt.wire.metadata.MetricMetadata;
import java.util.List;

/**
 * A decoded remote-write body.
 *
 * @param series         the float samples, one entry per series that carried at least one sample
 * @param metadata       metric metadata, usually sent by Prometheus in requests of their own
 * @param exemplarCount  exemplars received and not stored (Basalt does not keep exemplars yet)
 * @param histogramCount native histogram samples received and not stored (not supported yet)
 */
public record RemoteWriteRequest(List<TimeSeries> series, List<MetricMetadata> metadata, int exemplarCount,
        int histogramCount) {

    public long sampleCount() {
        long n = 0;
        for (TimeSeries ts : series) {
            n += ts.size();
        }
        return n;
    }
}
