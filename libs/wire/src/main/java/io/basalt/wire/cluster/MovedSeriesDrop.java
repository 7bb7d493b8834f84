package io.basalt.wire.cluster;

import io.basalt.model.Labels;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A rebalancer's request that a storage node delete series it copied to their owners and verified there. It carries
 * what the node held of them when they were copied, as a {@link ReplicaDigests} sum (series, samples, digest over all
 * their samples); the node deletes them only if it still holds exactly that, so a sample that reached it after the
 * copy (a late hinted copy, a write rerouted to it) is never deleted without having been copied.
 *
 * <p>Wire form: {@code "BMD1" account:i32 project:i32 series:uvarint samples:uvarint digest:u64
 * count:uvarint (labels:uvarint (name:string value:string)*)*}.
 */
public record MovedSeriesDrop(TenantId tenant, long expectedSeries, long expectedSamples, long expectedDigest,
        List<Labels> series) {

    private static final byte[] MAGIC = "BMD1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-moved-series";

    public MovedSeriesDrop {
        series = List.copyOf(series);
    }

    /** The drop of {@code copied}, expecting the node to hold exactly their samples. */
    public static MovedSeriesDrop of(TenantId tenant, List<TimeSeries> copied) {
        ReplicaDigests sum = sumOf(tenant, copied);
        return new MovedSeriesDrop(tenant, sum.series(0), sum.samples(0), sum.digest(0),
                copied.stream().map(TimeSeries::labels).toList());
    }

    /** The one-range digest of {@code held}, to compare with what the request expects. */
    public static ReplicaDigests sumOf(TenantId tenant, List<TimeSeries> held) {
        ReplicaDigests sum = new ReplicaDigests(0, 0, 0);
        for (TimeSeries ts : held) {
            sum.add(SeriesHash.of(tenant, ts.labels()), ts);
        }
        return sum;
    }

    /** Whether {@code held}, what the node holds of the series now, is what was copied. */
    public boolean matches(ReplicaDigests held) {
        return held.series(0) == expectedSeries && held.samples(0) == expectedSamples
                && held.digest(0) == expectedDigest;
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(64 + series.size() * 64);
        w.bytes(MAGIC);
        w.fixed32(tenant.accountId());
        w.fixed32(tenant.projectId());
        w.uvarint(expectedSeries);
        w.uvarint(expectedSamples);
        w.fixed64(expectedDigest);
        w.uvarint(series.size());
        for (Labels labels : series) {
            w.uvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                w.string(labels.name(i));
                w.string(labels.value(i));
            }
        }
        return w.toByteArray();
    }

    /** @throws MalformedBodyException when the body is not a complete request */
    public static MovedSeriesDrop decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "moved-series drop");
        TenantId tenant = new TenantId(r.fixed32(), r.fixed32());
        long expectedSeries = r.uvarint();
        long expectedSamples = r.uvarint();
        long expectedDigest = r.fixed64();
        int n = r.count("series");
        List<Labels> series = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = r.count("label");
            String[] pairs = new String[size * 2];
            for (int j = 0; j < pairs.length; j++) {
                pairs[j] = r.string();
            }
            try {
                series.add(Labels.of(pairs));
            }
            catch (IllegalArgumentException e) {
                throw new MalformedBodyException("moved-series drop: " + e.getMessage());
            }
        }
        if (r.hasMore()) {
            throw new MalformedBodyException("moved-series drop: trailing bytes");
        }
        return new MovedSeriesDrop(tenant, expectedSeries, expectedSamples, expectedDigest, series);
    }
}
