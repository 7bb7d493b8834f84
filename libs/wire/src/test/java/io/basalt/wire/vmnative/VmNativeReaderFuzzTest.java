package io.basalt.wire.vmnative;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A native import body comes from the network, so {@link VmNativeReader#read} must answer every byte string by
 * decoding it or with a {@link VmNativeFormatException}, never another exception, a hang or an allocation sized by
 * the input; seeds are the real VictoriaMetrics captures.
 *
 * <p>The Jazzer target {@link #body} replays its corpus in every build
 * ({@code src/test/resources/io/basalt/wire/vmnative/VmNativeReaderFuzzTestInputs/body/}: the captures and finding
 * #3 of docs/reliability.md, a column length of 2^64 - 1); {@code -Pfuzz} fuzzes it.
 */
class VmNativeReaderFuzzTest {

    private static final byte[] SPECIAL = VmNativeReaderTest.resource("special-values.native");

    private static final byte[] ALL_ENCODINGS = VmNativeReaderTest.resource("all-encodings.native");

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = "5m")
    void body(byte[] body) {
        decodeOrRefuse(body);
    }

    /** Structure-aware: a real capture damaged, or one of its length frames made to lie. */
    @FuzzTest(maxDuration = "5m")
    void damagedExports(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        decodeOrRefuse(g.bool() ? ByteMutations.mutated(g, g.oneOf(SPECIAL, ALL_ENCODINGS)) : lyingFrame(g));
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomBlocksAfterAValidHeaderAreDecodedOrRefused() {
        Seeded.forAll(2000, g -> {
            byte[] rest = g.bytes(300);
            decodeOrRefuse(ByteBuffer.allocate(16 + rest.length).put(SPECIAL, 0, 16).put(rest).array());
        });
    }

    @Test
    void damagedExportsAreDecodedOrRefused() {
        int[] decoded = new int[1];
        Seeded.forAll(3000, g -> decoded[0] += decodeOrRefuse(ByteMutations.mutated(g, g.oneOf(SPECIAL,
                ALL_ENCODINGS))) != null ? 1 : 0);
        // Damage in values and timestamps often still decodes: proof the damage gets past the framing.
        assertThat(decoded[0]).isGreaterThan(3000 * 5 / 100);
    }

    @Test
    void lyingLengthPrefixesAreRefusedOrDecoded() {
        Seeded.forAll(1000, g -> decodeOrRefuse(lyingFrame(g)));
    }

    @Test
    void findingThreeIsRefused() {
        assertThat(Refusals.decodeOrRefuse(VmNativeFormatException.class,
                e -> assertThat(e.getMessage()).contains("18446744073709551615"),
                () -> VmNativeReader.read(new ByteArrayInputStream(finding3()), (l, t, v) -> { }))).isNull();
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("special-values.native", SPECIAL);
        seeds.put("all-encodings.native", ALL_ENCODINGS);
        seeds.put("stale-marker.native", VmNativeReaderTest.resource("stale-marker.native"));
        seeds.put("header-only", Arrays.copyOf(SPECIAL, 16));
        seeds.put("finding-3-column-length-2pow64-1", finding3());
        Corpus.write(getClass(), "damagedExports", Corpus.randomChoices(24, 256));
        Corpus.write(getClass(), "body", seeds);
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** The all-encodings capture (9 blocks, each a metric name frame and a block frame) with one frame lying. */
    private static byte[] lyingFrame(Gen g) {
        long length = g.interestingLong();
        int which = g.intBetween(0, 17);
        byte[] body = ALL_ENCODINGS.clone();
        ByteBuffer in = ByteBuffer.wrap(body);
        int at = 16;
        for (int i = 0; i < which && at + 4 <= body.length; i++) {
            at += 4 + in.getInt(at);
        }
        if (at + 4 <= body.length) {
            in.putInt(at, (int) length);
        }
        return body;
    }

    /**
     * Finding #3: a valid header and metric name, then a block whose timestamp column claims 2^64 - 1 bytes (the
     * uvarint {@code ff ff ff ff ff ff ff ff ff 01}); it once read as a negative length and escaped as an
     * {@code IllegalArgumentException}.
     */
    static byte[] finding3() {
        int nameLength = ByteBuffer.wrap(SPECIAL).getInt(16);
        byte[] block = {0, 0, 1, 0, 3, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 1, 2, 3};
        return ByteBuffer.allocate(16 + 4 + nameLength + 4 + block.length).put(SPECIAL, 0, 16 + 4 + nameLength)
                .putInt(block.length).put(block).array();
    }

    /** @return the number of blocks decoded, or {@code null} when refused */
    private static Long decodeOrRefuse(byte[] body) {
        return Refusals.decodeOrRefuse(VmNativeFormatException.class,
                e -> assertThat(e.getMessage()).startsWith("native"),
                () -> VmNativeReader.read(new ByteArrayInputStream(body), (labels, ts, vs) -> {
                    assertThat(ts).hasSameSizeAs(vs);
                    assertThat(labels.isEmpty()).isFalse();
                }));
    }
}
