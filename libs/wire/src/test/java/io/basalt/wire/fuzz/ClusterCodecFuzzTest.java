package io.basalt.wire.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.MalformedBodyException;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The internal bodies travel between Basalt's own tiers, but a storage node's port is reachable by anything on the
 * network, and a half-written body reaches it when a peer dies mid-request. Each decoder answers any bytes with a
 * value or a {@link MalformedBodyException} (a 400), never with another exception, a hang or an allocation sized by
 * a length the body declares.
 *
 * <p>The {@code @FuzzTest}s are Jazzer targets: in the normal build they replay their corpus in
 * {@code src/test/resources/io/basalt/wire/fuzz/ClusterCodecFuzzTestInputs/}; with {@code -Pfuzz} Jazzer fuzzes
 * them. The {@code @Test}s damage freshly generated encodings with a new seed in every build.
 */
class ClusterCodecFuzzTest {

    private static final byte[] ROWS_MAGIC = "BRW1".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] SEARCH_MAGIC = "BSQ1".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] STRINGS_MAGIC = "BSL1".getBytes(StandardCharsets.US_ASCII);

    private static final List<String> REGEXES = List.of("", "x", ".*", "a|b", "node-.+", "[0-9]{2}", "(?i)UP",
            "api-.+", "ü𝄞\\\\");

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = "5m")
    void rowsBody(byte[] body) {
        decodeOrRefuse(RowsCodec::decode, body);
    }

    @FuzzTest(maxDuration = "5m")
    void searchQueryBody(byte[] body) {
        decodeOrRefuse(SearchQuery::decode, body);
    }

    @FuzzTest(maxDuration = "5m")
    void stringListBody(byte[] body) {
        decodeOrRefuse(StringListCodec::decode, body);
    }

    /** Structure-aware: the fuzzer chooses a valid encoding and how to damage it. */
    @FuzzTest(maxDuration = "5m")
    void damagedBodies(FuzzedDataProvider data) {
        damagedBody(Gen.of(data));
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomBodiesBehindEachMagicAreDecodedOrRefused() {
        Seeded.forAll(1000, g -> {
            byte[] tail = g.bytes(200);
            decodeOrRefuse(RowsCodec::decode, ByteMutations.concat(ROWS_MAGIC, tail));
            decodeOrRefuse(SearchQuery::decode, ByteMutations.concat(SEARCH_MAGIC, tail));
            decodeOrRefuse(StringListCodec::decode, ByteMutations.concat(STRINGS_MAGIC, tail));
        });
    }

    @Test
    void randomBytesAreRefused() {
        Seeded.forAll(300, g -> {
            byte[] body = g.bytes(64);
            decodeOrRefuse(RowsCodec::decode, body);
            decodeOrRefuse(SearchQuery::decode, body);
            decodeOrRefuse(StringListCodec::decode, body);
        });
    }

    @Test
    void damagedBodiesAreDecodedOrRefused() {
        int[] decoded = new int[1];
        Seeded.forAll(4000, g -> decoded[0] += damagedBody(g) ? 1 : 0);
        // Damage in values and strings often still decodes: proof that the damage gets past the framing.
        assertThat(decoded[0]).isGreaterThan(4000 / 50);
    }

    /** Writes the valid encodings of the corpus: {@code -Dbasalt.fuzz.writeSeeds=true -Dtest=...#writeSeeds}. */
    @Test
    void writeSeeds() {
        Map<String, byte[]> rows = new LinkedHashMap<>();
        Map<String, byte[]> searches = new LinkedHashMap<>();
        Map<String, byte[]> strings = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            Gen g = Gen.seeded(i);
            rows.put("valid-" + i, RowsCodec.encode(tenant(g), g.list(i == 0 ? 0 : 1, 4, ClusterCodecFuzzTest::series)));
            searches.put("valid-" + i, searchQuery(g).encode());
            strings.put("valid-" + i, StringListCodec.encode(g.list(0, 6, x -> x.text(0, 20))));
        }
        rows.put("magic-only", ROWS_MAGIC);
        searches.put("magic-only", SEARCH_MAGIC);
        strings.put("magic-only", STRINGS_MAGIC);
        Corpus.write(getClass(), "damagedBodies", Corpus.randomChoices(24, 256));
        Corpus.write(getClass(), "rowsBody", rows);
        Corpus.write(getClass(), "searchQueryBody", searches);
        Corpus.write(getClass(), "stringListBody", strings);
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** @return whether the damaged body decoded */
    private static boolean damagedBody(Gen g) {
        return switch (g.intBetween(0, 2)) {
            case 0 -> decodeOrRefuse(RowsCodec::decode,
                    ByteMutations.mutated(g, RowsCodec.encode(tenant(g), g.list(0, 4, ClusterCodecFuzzTest::series))))
                    != null;
            case 1 -> decodeOrRefuse(SearchQuery::decode, ByteMutations.mutated(g, searchQuery(g).encode())) != null;
            default -> decodeOrRefuse(StringListCodec::decode,
                    ByteMutations.mutated(g, StringListCodec.encode(g.list(0, 6, x -> x.anyString(20))))) != null;
        };
    }

    private static SearchQuery searchQuery(Gen g) {
        return new SearchQuery(tenant(g), g.anyLong(), g.anyLong(), g.list(0, 4, ClusterCodecFuzzTest::matcher),
                g.intBetween(0, 1000));
    }

    private static LabelMatcher matcher(Gen g) {
        return LabelMatcher.of(g.oneOf(LabelMatcher.Type.values()), name(g), g.pick(REGEXES));
    }

    private static TimeSeries series(Gen g) {
        long[] ts = new long[g.intBetween(0, 5)];
        double v = g.anyDouble();
        for (int i = 0; i < ts.length; i++) {
            ts[i] = g.anyLong();
        }
        double[] vs = new double[ts.length];
        Arrays.fill(vs, v);
        return new TimeSeries(labels(g), ts, vs);
    }

    private static TenantId tenant(Gen g) {
        return new TenantId(g.anyInt(), g.anyInt());
    }

    private static String name(Gen g) {
        return g.bool() ? g.oneOf("__name__", "job", "instance")
                : g.string("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, 8);
    }

    private static Labels labels(Gen g) {
        Map<String, String> map = new LinkedHashMap<>();
        int n = g.intBetween(1, 4);
        for (int i = 0; i < n; i++) {
            map.put(name(g), g.anyString(12));
        }
        Labels.Builder b = Labels.builder();
        map.forEach(b::add);
        return b.build();
    }

    private static <T> T decodeOrRefuse(Function<byte[], T> decoder, byte[] body) {
        return Refusals.decodeOrRefuse(MalformedBodyException.class,
                e -> assertThat(e.getMessage()).isNotBlank(), () -> decoder.apply(body));
    }
}
