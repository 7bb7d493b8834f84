package io.basalt.wire.cluster;

/**
 * The series hashes ({@link io.basalt.model.SeriesHash}) whose top {@code prefixBits} bits equal {@code prefix}: the
 * unit in which replicas are compared ({@link ReplicaDigests}) and differing series read back
 * ({@code /internal/search?prefix=&prefixBits=}). The whole hash space is {@code (0, 0)}.
 */
public record HashRange(long prefix, int prefixBits) {

    public static final HashRange ALL = new HashRange(0, 0);

    /** @throws IllegalArgumentException when the prefix has more bits than {@code prefixBits} */
    public HashRange {
        if (prefixBits < 0 || prefixBits > 64) {
            throw new IllegalArgumentException("prefixBits must be 0..64; got " + prefixBits);
        }
        if (prefixBits < 64 && (prefix >>> prefixBits) != 0) {
            throw new IllegalArgumentException("prefix " + Long.toUnsignedString(prefix) + " has more than "
                    + prefixBits + " bits");
        }
    }

    public boolean contains(long seriesHash) {
        return prefixBits == 0 || (seriesHash >>> (64 - prefixBits)) == prefix;
    }

    /** Sub-range {@code bucket} of this range split {@code 2^bucketBits} ways. */
    public HashRange sub(int bucket, int bucketBits) {
        return new HashRange(prefix << bucketBits | bucket, prefixBits + bucketBits);
    }

    /** Which of the {@code 2^bucketBits} sub-ranges a hash of this range falls in. */
    public int bucketOf(long seriesHash, int bucketBits) {
        return bucketBits == 0 ? 0 : (int) ((seriesHash << prefixBits) >>> (64 - bucketBits));
    }

    /** The query parameters that carry this range. */
    public String queryParams() {
        return "prefix=" + Long.toUnsignedString(prefix) + "&prefixBits=" + prefixBits;
    }
}
