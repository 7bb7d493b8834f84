package io.basalt.agent.remotewrite;

import io.basalt.model.LabelEncoding;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Spreads series over remote_write URLs instead of sending each to all (vmagent's {@code -remoteWrite.shardByURL}):
 * each series goes to the {@code replicas} URLs that score highest for its hash (rendezvous hashing, as insert places
 * series on storage nodes), so adding a URL moves only the series that now score highest there, and every agent
 * with the same URLs sends a series to the same place.
 */
public final class UrlSharding {

    private final int replicas;

    private final Set<String> labels;

    /**
     * @param replicas how many URLs get each series; at least 1
     * @param labels   the labels hashed; empty for all of them
     */
    public UrlSharding(int replicas, Set<String> labels) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
        }
        this.replicas = replicas;
        this.labels = Set.copyOf(labels);
    }

    /** A URL's identity on the rendezvous "ring". */
    public static long urlHash(String url) {
        byte[] bytes = url.getBytes(StandardCharsets.UTF_8);
        return LabelEncoding.hash(bytes, 0, bytes.length);
    }

    /**
     * @param urlHashes one per URL, from {@link #urlHash}
     * @return per URL, in the same order, the series it takes
     */
    public List<List<TimeSeries>> split(List<TimeSeries> series, long[] urlHashes) {
        List<List<TimeSeries>> out = new ArrayList<>(urlHashes.length);
        for (int i = 0; i < urlHashes.length; i++) {
            out.add(new ArrayList<>());
        }
        int copies = Math.min(replicas, urlHashes.length);
        int[] chosen = new int[copies];
        for (TimeSeries ts : series) {
            choose(seriesHash(ts.labels()), urlHashes, chosen);
            for (int url : chosen) {
                out.get(url).add(ts);
            }
        }
        return out;
    }

    /** Fills {@code chosen} with the indexes of the best-scoring URLs, best first. */
    static void choose(long seriesHash, long[] urlHashes, int[] chosen) {
        long[] best = new long[chosen.length];
        int filled = 0;
        for (int url = 0; url < urlHashes.length; url++) {
            long score = mix(seriesHash ^ urlHashes[url]);
            int at = filled;
            while (at > 0 && Long.compareUnsigned(score, best[at - 1]) > 0) {
                at--;
            }
            if (at >= chosen.length) {
                continue;
            }
            for (int j = Math.min(filled, chosen.length - 1); j > at; j--) {
                best[j] = best[j - 1];
                chosen[j] = chosen[j - 1];
            }
            best[at] = score;
            chosen[at] = url;
            filled = Math.min(filled + 1, chosen.length);
        }
    }

    long seriesHash(Labels series) {
        Labels hashed = series;
        if (!labels.isEmpty()) {
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < series.size(); i++) {
                if (labels.contains(series.name(i))) {
                    b.add(series.name(i), series.value(i));
                }
            }
            hashed = b.build();
        }
        byte[] bytes = LabelEncoding.encode(hashed);
        return LabelEncoding.hash(bytes, 0, bytes.length);
    }

    /** SplitMix64's finaliser: the XOR of two hashes is not itself well mixed. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
