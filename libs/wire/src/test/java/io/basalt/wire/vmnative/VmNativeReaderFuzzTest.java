package io.basalt.wire.vmnative;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * A native import body comes from the network, so {@link VmNativeReader#read} must answer every byte string by
 * decoding it or with a {@link VmNativeFormatException}, never another exception, a hang or an allocation sized by
 * the input; seeds are the real VictoriaMetrics captures.
 */
@AddLifecycleHook(FuzzBudget.class)
class VmNativeReaderFuzzTest {

    private static final byte[] SPECIAL = VmNativeReaderTest.resource("special-values.native");

    private static final byte[] ALL_ENCODINGS = VmNativeReaderTest.resource("all-encodings.native");

    @Property(tries = 2000)
    void randomBlocksAfterAValidHeaderAreDecodedOrRefused(@ForAll @Size(max = 300) byte[] rest) {
        byte[] body = ByteBuffer.allocate(16 + rest.length).put(SPECIAL, 0, 16).put(rest).array();
        decodeOrRefuse(body);
    }

    @Property(tries = 3000)
    void damagedExportsAreDecodedOrRefused(@ForAll("damagedExports") byte[] body) {
        Long blocks = decodeOrRefuse(body);
        Statistics.collect(blocks == null ? "refused" : "decoded");
        // Damage in values and timestamps often still decodes: proof the fuzzer gets past the framing.
        Statistics.coverage(c -> c.check("decoded").percentage(p -> p > 5));
    }

    @Property(tries = 1000)
    void lyingLengthPrefixesAreRefusedOrDecoded(@ForAll("lengths") long length,
            @ForAll @IntRange(min = 0, max = 17) int which) {
        // The frames of the all-encodings capture: 9 blocks, each a metric name length and a block length.
        byte[] body = ALL_ENCODINGS.clone();
        ByteBuffer in = ByteBuffer.wrap(body);
        int at = 16;
        for (int i = 0; i < which && at + 4 <= body.length; i++) {
            at += 4 + in.getInt(at);
        }
        if (at + 4 <= body.length) {
            in.putInt(at, (int) length);
        }
        decodeOrRefuse(body);
    }

    @Provide
    Arbitrary<byte[]> damagedExports() {
        return ByteMutations.mutated(Arbitraries.of(SPECIAL, ALL_ENCODINGS));
    }

    @Provide
    Arbitrary<Long> lengths() {
        return ByteMutations.interestingValues();
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
