package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The placement hash never changes between releases: a different value would move series to other nodes. */
class SeriesHashTest {

    /** The definition: FNV-1a over tenant bytes, then each char's low and high byte, a 0xFF after each string. */
    private static long reference(TenantId tenant, Labels labels) {
        long h = 0xcbf29ce484222325L;
        long prime = 0x100000001b3L;
        for (int v : new int[] { tenant.accountId(), tenant.projectId() }) {
            for (int i = 0; i < 4; i++) {
                h = (h ^ ((v >>> (8 * i)) & 0xFF)) * prime;
            }
        }
        for (int l = 0; l < labels.size(); l++) {
            for (String s : new String[] { labels.name(l), labels.value(l) }) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    h = (h ^ (c & 0xFF)) * prime;
                    h = (h ^ (c >>> 8)) * prime;
                }
                h = (h ^ 0xFF) * prime;
            }
        }
        return SeriesHash.finish(h);
    }

    @Test
    void matchesItsDefinitionForEveryKindOfChar() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "abcxyz_019:/.- éü€😀\u0100\u00ff\u0000";
        for (int round = 0; round < 20_000; round++) {
            Labels.Builder b = Labels.builder();
            int n = 1 + random.nextInt(6);
            for (int l = 0; l < n; l++) {
                StringBuilder value = new StringBuilder();
                for (int i = 0; i < random.nextInt(30); i++) {
                    value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                b.set("l" + l, value.toString());
            }
            TenantId tenant = new TenantId(random.nextInt(), random.nextInt());
            Labels labels = b.build();
            assertThat(SeriesHash.of(tenant, labels)).as("seed %d, %s", seed, labels)
                .isEqualTo(reference(tenant, labels));
        }
    }

    @Test
    void aKnownSeriesKeepsItsHash() {
        Labels labels = Labels.of("__name__", "node_cpu_seconds_total", "instance", "host-1:9100", "mode", "idle");
        assertThat(SeriesHash.of(TenantId.DEFAULT, labels)).isEqualTo(reference(TenantId.DEFAULT, labels))
            .isEqualTo(PINNED);
    }

    /** Computed with the definition above on 2026-12-07; placement of existing data depends on it. */
    private static final long PINNED = -969760182210828164L;
}
