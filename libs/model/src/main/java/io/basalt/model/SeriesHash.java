package io.basalt.model;


/**
 * A stable 64-bit identity of (tenant, sorted labels) that decides where a series lives. It must never change
 * between releases: a different hash would scatter existing series over other nodes. Insert nodes place series by
 * it; storage nodes digest their series by ranges of it, so that a repairer can compare replicas range by range.
 */
public final class SeriesHash {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private static final long FNV_PRIME = 0x100000001b3L;

    private SeriesHash() {
    }

    public static long of(TenantId tenant, Labels labels) {
        long h = FNV_OFFSET;
        h = mixInt(h, tenant.accountId());
        h = mixInt(h, tenant.projectId());
        for (int i = 0; i < labels.size(); i++) {
            h = mixString(h, labels.name(i));
            h = mixString(h, labels.value(i));
        }
        return finish(h);
    }

    /** The hash of a node's address, its position on the rendezvous "ring". */
    public static long ofNode(String address) {
        return finish(mixString(FNV_OFFSET, address));
    }

    private static long mixInt(long h, int v) {
        for (int i = 0; i < 4; i++) {
            h = (h ^ ((v >>> (8 * i)) & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    /** FNV_PRIME squared: one step for both bytes of a char whose high byte is 0 (XOR with 0 changes nothing). */
    private static final long FNV_PRIME_SQUARED = FNV_PRIME * FNV_PRIME;

    private static long mixString(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x100) {
                h = (h ^ c) * FNV_PRIME_SQUARED; // the same value as the two steps below, in half the multiplies
            }
            else {
                h = (h ^ (c & 0xFF)) * FNV_PRIME;
                h = (h ^ (c >>> 8)) * FNV_PRIME;
            }
        }
        // A terminator keeps ("ab","c") and ("a","bc") apart.
        return (h ^ 0xFF) * FNV_PRIME;
    }

    /** SplitMix64's finaliser: spreads FNV's weak low bits over the whole word. */
    public static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
