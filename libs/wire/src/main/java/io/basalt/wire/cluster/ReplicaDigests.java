package io.basalt.wire.cluster;

import io.basalt.model.SeriesHash;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What one storage node holds of a series-hash range, split into {@code 2^bucketBits} equal sub-ranges, each summed
 * up as (series, samples, digest), so that two replicas can be compared range by range and only the ranges that
 * differ read in full. The range is the hashes ({@link SeriesHash}) whose top {@code prefixBits} bits equal
 * {@code prefix}; a sub-range of it is the next {@code bucketBits} bits, so that a differing sub-range {@code b} is
 * compared next as prefix {@code prefix << bucketBits | b} of {@code prefixBits + bucketBits} bits.
 *
 * <p>The digest of a sub-range is the 64-bit sum of a mix of (series hash, timestamp, value bits) over its samples:
 * a sum does not depend on the order of a scan or on how the engine splits data into parts.
 *
 * <p>Wire form: {@code "BDG1" prefix:u64 prefixBits:u8 bucketBits:u8 (series:uvarint samples:uvarint digest:u64)*}.
 */
public final class ReplicaDigests {

    private static final byte[] MAGIC = "BDG1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-digests";

    /** At most 4,096 sub-ranges per answer, so an answer stays small. */
    public static final int MAX_BUCKET_BITS = 12;

    private final HashRange range;

    private final int bucketBits;

    private final long[] series;

    private final long[] samples;

    private final long[] digests;

    /** @throws IllegalArgumentException when the bit counts or the prefix do not describe a range */
    public ReplicaDigests(long prefix, int prefixBits, int bucketBits) {
        if (prefixBits < 0 || bucketBits < 0 || bucketBits > MAX_BUCKET_BITS || prefixBits + bucketBits > 64) {
            throw new IllegalArgumentException("prefixBits must be 0..64 and bucketBits 0.." + MAX_BUCKET_BITS
                    + " with prefixBits + bucketBits <= 64; got " + prefixBits + " and " + bucketBits);
        }
        this.range = new HashRange(prefix, prefixBits);
        this.bucketBits = bucketBits;
        this.series = new long[1 << bucketBits];
        this.samples = new long[1 << bucketBits];
        this.digests = new long[1 << bucketBits];
    }

    /** Counts a series with its samples if its hash is in the range; false if it is not. */
    public boolean add(long seriesHash, TimeSeries ts) {
        if (!range.contains(seriesHash)) {
            return false;
        }
        int bucket = range.bucketOf(seriesHash, bucketBits);
        long sum = 0;
        for (int i = 0; i < ts.size(); i++) {
            long bits = Double.doubleToRawLongBits(ts.value(i));
            sum += SeriesHash.finish(seriesHash ^ SeriesHash.finish(ts.timestamp(i) ^ SeriesHash.finish(bits)));
        }
        series[bucket]++;
        samples[bucket] += ts.size();
        digests[bucket] += sum;
        return true;
    }

    public HashRange range() {
        return range;
    }

    public int bucketBits() {
        return bucketBits;
    }

    public int size() {
        return series.length;
    }

    public long series(int bucket) {
        return series[bucket];
    }

    public long samples(int bucket) {
        return samples[bucket];
    }

    public long digest(int bucket) {
        return digests[bucket];
    }

    /** Whether sub-range {@code bucket} holds the same series and samples in both. */
    public boolean sameAt(ReplicaDigests other, int bucket) {
        return series[bucket] == other.series[bucket] && samples[bucket] == other.samples[bucket]
                && digests[bucket] == other.digests[bucket];
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(16 + series.length * 12);
        w.bytes(MAGIC);
        w.fixed64(range.prefix());
        w.u8(range.prefixBits());
        w.u8(bucketBits);
        for (int i = 0; i < series.length; i++) {
            w.uvarint(series[i]);
            w.uvarint(samples[i]);
            w.fixed64(digests[i]);
        }
        return w.toByteArray();
    }

    /** @throws MalformedBodyException when {@code body} is not a digests answer */
    public static ReplicaDigests decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "replica digests");
        long prefix = r.fixed64();
        int prefixBits = r.u8();
        int bucketBits = r.u8();
        ReplicaDigests out;
        try {
            out = new ReplicaDigests(prefix, prefixBits, bucketBits);
        }
        catch (IllegalArgumentException e) {
            throw new MalformedBodyException("replica digests: " + e.getMessage());
        }
        for (int i = 0; i < out.series.length; i++) {
            out.series[i] = r.uvarint();
            out.samples[i] = r.uvarint();
            out.digests[i] = r.fixed64();
        }
        if (r.hasMore()) {
            throw new MalformedBodyException("replica digests: bytes after the last sub-range");
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaDigests d && range.equals(d.range) && bucketBits == d.bucketBits && Arrays.equals(series, d.series)
                && Arrays.equals(samples, d.samples) && Arrays.equals(digests, d.digests);
    }

    @Override
    public int hashCode() {
        return range.hashCode() * 31 + Arrays.hashCode(digests);
    }
}
