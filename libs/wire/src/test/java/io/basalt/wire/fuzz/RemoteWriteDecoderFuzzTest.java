package io.basalt.wire.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.basalt.fuzzing.ByteMutations;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import io.basalt.wire.remotewrite.GoldenFiles;

import io.basalt.wire.remotewrite.RemoteWriteDecoder;
import io.basalt.wire.remotewrite.RemoteWriteException;
import io.basalt.wire.remotewrite.RemoteWriteRequest;
import io.basalt.wire.remotewrite.proto.BucketSpan;
import io.basalt.wire.remotewrite.proto.Exemplar;
import io.basalt.wire.remotewrite.proto.Histogram;
import io.basalt.wire.remotewrite.proto.Label;
import io.basalt.wire.remotewrite.proto.MetricMetadata;
import io.basalt.wire.remotewrite.proto.Sample;
import io.basalt.wire.remotewrite.proto.TimeSeries;
import io.basalt.wire.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * A remote-write body comes from the network, so {@link RemoteWriteDecoder#decode(byte[])} must answer every byte
 * string with a request or a {@link RemoteWriteException} carrying a 4xx status, never with another exception, a
 * hang or an allocation sized by a length the body declares.
 *
 * <p>Jazzer targets replay their corpus in {@code src/test/resources/io/basalt/wire/fuzz/RemoteWriteDecoderFuzzTestInputs/}
 * in every build ({@link #body}: the real Prometheus bodies, generated requests, lying snappy preambles;
 * {@link #protobuf}: the same uncompressed) and are fuzzed with {@code -Pfuzz}. The seeded {@code @Test}s damage
 * freshly generated requests in every build.
 */
class RemoteWriteDecoderFuzzTest {

    /** Small, so that length lies around the limit are cheap to produce. */
    private static final RemoteWriteDecoder DECODER = new RemoteWriteDecoder(1 << 20);

    /** Real bodies Prometheus 2.42 sent (see golden/README.md), compressed and not. */
    private static final List<byte[]> GOLDEN = List.of(GoldenFiles.read("prometheus-2.42.0-samples.bin"),
            GoldenFiles.read("prometheus-2.42.0-metadata.bin"));

    private static final List<byte[]> GOLDEN_PROTOBUF = GOLDEN.stream().map(RemoteWriteDecoderFuzzTest::unsnappy)
            .toList();

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    /** A whole body as it arrives: snappy around protobuf. */
    @FuzzTest(maxDuration = "5m")
    void body(byte[] body) {
        decodeOrRefuse(body);
    }

    /** Protobuf in valid snappy, so the fuzzer works on the protobuf layer directly. */
    @FuzzTest(maxDuration = "5m")
    void protobuf(byte[] protobuf) {
        decodeOrRefuse(snappy(protobuf));
    }

    /** Structure-aware: the fuzzer builds a request and chooses how to damage it. */
    @FuzzTest(maxDuration = "5m")
    void damagedRequests(FuzzedDataProvider data) {
        Gen g = Gen.of(data);
        switch (g.intBetween(0, 3)) {
            case 0 -> damagedWriteRequest(g);
            case 1 -> inflatedLengthPrefix(g);
            case 2 -> snappyPreambleLie(g);
            default -> damagedSnappyBlock(g);
        }
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    @Test
    void randomBytesAreDecodedOrRefused() {
        Seeded.forAll(3000, g -> decodeOrRefuse(g.bytes(300)));
    }

    @Test
    void randomProtobufInValidSnappyIsDecodedOrRefused() {
        Seeded.forAll(3000, g -> decodeOrRefuse(snappy(g.bytes(300))));
    }

    @Test
    void damagedWriteRequestsAreDecodedOrRefused() {
        int[] decoded = new int[1];
        Seeded.forAll(2000, g -> decoded[0] += damagedWriteRequest(g) ? 1 : 0);
        // Most damage lands in values and strings, so many bodies still decode: proof the damage gets deep.
        assertThat(decoded[0]).isGreaterThan(2000 * 5 / 100);
    }

    @Test
    void inflatedLengthPrefixesAreRefusedOrDecoded() {
        Seeded.forAll(2000, RemoteWriteDecoderFuzzTest::inflatedLengthPrefix);
    }

    @Test
    void snappyPreambleLiesAreRefused() {
        Seeded.forAll(2000, RemoteWriteDecoderFuzzTest::snappyPreambleLie);
    }

    @Test
    void damagedSnappyBlocksAreRefusedOrDecoded() {
        Seeded.forAll(2000, RemoteWriteDecoderFuzzTest::damagedSnappyBlock);
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        Map<String, byte[]> protobufs = new LinkedHashMap<>();
        bodies.put("prometheus-2.42.0-samples.bin", GOLDEN.get(0));
        bodies.put("prometheus-2.42.0-metadata.bin", GOLDEN.get(1));
        protobufs.put("prometheus-2.42.0-samples.pb", GOLDEN_PROTOBUF.get(0));
        protobufs.put("prometheus-2.42.0-metadata.pb", GOLDEN_PROTOBUF.get(1));
        for (int i = 0; i < 6; i++) {
            byte[] pb = writeRequest(Gen.seeded(i)).toByteArray();
            protobufs.put("generated-" + i + ".pb", pb);
            bodies.put("generated-" + i + ".bin", snappy(pb));
        }
        byte[] samples = GOLDEN.get(0);
        for (long lie : new long[] {0, 1, 0x7FFF_FFFFL, 0xFFFF_FFFFL, (1 << 20) + 1, Long.MAX_VALUE}) {
            bodies.put("preamble-lie-" + Long.toHexString(lie) + ".bin", withPreamble(samples, lie));
        }
        Corpus.write(getClass(), "damagedRequests", Corpus.randomChoices(24, 256));
        Corpus.write(getClass(), "body", bodies);
        Corpus.write(getClass(), "protobuf", protobufs);
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** @return whether the damaged request decoded */
    private static boolean damagedWriteRequest(Gen g) {
        byte[] seed = g.bool() ? writeRequest(g).toByteArray() : g.pick(GOLDEN_PROTOBUF);
        return decodeOrRefuse(snappy(ByteMutations.mutated(g, seed))) != null;
    }

    private static void inflatedLengthPrefix(Gen g) {
        byte[] protobuf = writeRequest(g).toByteArray();
        List<Integer> prefixes = ProtobufLayout.lengthPrefixOffsets(protobuf);
        if (!prefixes.isEmpty()) {
            protobuf = ByteMutations.inflateLength(protobuf, g.pick(prefixes), g.interestingLong());
        }
        decodeOrRefuse(snappy(protobuf));
    }

    private static void snappyPreambleLie(Gen g) {
        decodeOrRefuse(withPreamble(snappy(writeRequest(g).toByteArray()), g.interestingLong()));
    }

    private static void damagedSnappyBlock(Gen g) {
        byte[] seed = g.bool() ? snappy(writeRequest(g).toByteArray()) : g.pick(GOLDEN);
        decodeOrRefuse(ByteMutations.mutated(g, seed));
    }

    /** The snappy body with its preamble (the declared uncompressed length) replaced by {@code lie}. */
    private static byte[] withPreamble(byte[] body, long lie) {
        int preamble = 0;
        while ((body[preamble] & 0x80) != 0) {
            preamble++;
        }
        return ByteMutations.splice(body, 0, preamble + 1, ByteMutations.varint(lie & Long.MAX_VALUE));
    }

    static WriteRequest writeRequest(Gen g) {
        return WriteRequest.newBuilder().addAllTimeseries(g.list(0, 4, RemoteWriteDecoderFuzzTest::series))
                .addAllMetadata(g.list(0, 2, RemoteWriteDecoderFuzzTest::metadata)).build();
    }

    private static TimeSeries series(Gen g) {
        TimeSeries.Builder b = TimeSeries.newBuilder().addAllLabels(g.list(0, 5, RemoteWriteDecoderFuzzTest::label))
                .addAllSamples(g.list(0, 4, RemoteWriteDecoderFuzzTest::sample));
        if (g.intBetween(0, 3) == 0) {
            b.addExemplars(Exemplar.newBuilder().addAllLabels(g.list(0, 2, RemoteWriteDecoderFuzzTest::label))
                    .setValue(g.anyDouble()).setTimestamp(g.anyLong()));
        }
        if (g.intBetween(0, 3) == 0) {
            List<Long> deltas = g.list(0, 4, Gen::anyLong);
            b.addHistograms(Histogram.newBuilder().setCountInt(g.longBetween(0, Long.MAX_VALUE))
                    .setSchema(g.intBetween(-4, 8))
                    .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(deltas.size()))
                    .addAllPositiveDeltas(deltas));
        }
        return b.build();
    }

    private static Label label(Gen g) {
        // An empty name refuses the whole body, so it is kept rare to let most seeds decode.
        int kind = g.intBetween(0, 12);
        String name = kind < 8 ? g.oneOf("__name__", "job", "instance", "le") : kind < 12 ? g.anyString(12)
                : "";
        if (kind >= 8 && kind < 12 && name.isEmpty()) {
            name = "x";
        }
        String value = g.bool() ? g.oneOf("up", "node", "", "\u00e9t\u00e9") : g.anyString(20);
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    private static Sample sample(Gen g) {
        return Sample.newBuilder().setValue(g.anyDouble()).setTimestamp(g.anyLong()).build();
    }

    private static MetricMetadata metadata(Gen g) {
        return MetricMetadata.newBuilder().setTypeValue(g.intBetween(0, 9)).setMetricFamilyName(g.anyString(10))
                .setHelp(g.anyString(30)).build();
    }

    private static RemoteWriteRequest decodeOrRefuse(byte[] body) {
        return Refusals.decodeOrRefuse(RemoteWriteException.class, e -> {
            assertThat(e.httpStatus()).isIn(400, 413);
            assertThat(e.getMessage()).isNotBlank();
        }, () -> DECODER.decode(body));
    }

    private static byte[] snappy(byte[] raw) {
        try {
            return Snappy.compress(raw);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unsnappy(byte[] body) {
        try {
            return Snappy.uncompress(body);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
