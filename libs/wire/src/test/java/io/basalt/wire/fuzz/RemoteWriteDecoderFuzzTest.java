package io.basalt.wire.fuzz;

import io.basalt.wire.remotewrite.GoldenFiles;
import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.ByteMutations;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.xerial.snappy.Snappy;

/**
 * A remote-write body comes from the network, so {@link RemoteWriteDecoder#decode(byte[])} must answer every byte
 * string with a request or a {@link RemoteWriteException} carrying a 4xx status, never with another exception.
 */
@AddLifecycleHook(FuzzBudget.class)
class RemoteWriteDecoderFuzzTest {

    /** Small, so that length lies around the limit are cheap to produce. */
    private static final RemoteWriteDecoder DECODER = new RemoteWriteDecoder(1 << 20);

    /** Real bodies Prometheus 2.42 sent (see golden/README.md), compressed and not. */
    private static final List<byte[]> GOLDEN = List.of(GoldenFiles.read("prometheus-2.42.0-samples.bin"),
            GoldenFiles.read("prometheus-2.42.0-metadata.bin"));

    private static final List<byte[]> GOLDEN_PROTOBUF = GOLDEN.stream().map(RemoteWriteDecoderFuzzTest::unsnappy)
            .toList();

    @Property(tries = 3000)
    void randomBytesAreDecodedOrRefused(@ForAll @Size(max = 300) byte[] body) {
        decodeOrRefuse(body);
    }

    @Property(tries = 3000)
    void randomProtobufInValidSnappyIsDecodedOrRefused(@ForAll @Size(max = 300) byte[] protobuf) {
        decodeOrRefuse(snappy(protobuf));
    }

    @Property(tries = 2000)
    void damagedWriteRequestsAreDecodedOrRefused(@ForAll("damagedWriteRequests") byte[] protobuf) {
        RemoteWriteRequest decoded = decodeOrRefuse(snappy(protobuf));
        Statistics.collect(decoded == null ? "refused" : "decoded");
        // Most damage lands in values and strings, so many bodies still decode: proof the fuzzer gets deep.
        Statistics.coverage(c -> c.check("decoded").percentage(p -> p > 5));
    }

    @Property(tries = 2000)
    void inflatedLengthPrefixesAreRefusedOrDecoded(@ForAll("writeRequests") WriteRequest request,
            @ForAll double which, @ForAll("lengths") long length) {
        byte[] protobuf = request.toByteArray();
        List<Integer> prefixes = ProtobufLayout.lengthPrefixOffsets(protobuf);
        if (!prefixes.isEmpty()) {
            int at = prefixes.get((int) (Math.abs(which % 1.0) * prefixes.size()));
            protobuf = ByteMutations.inflateLength(protobuf, at, length);
        }
        decodeOrRefuse(snappy(protobuf));
    }

    @Property(tries = 2000)
    void snappyPreambleLiesAreRefused(@ForAll("writeRequests") WriteRequest request, @ForAll("lengths") long lie) {
        byte[] body = snappy(request.toByteArray());
        int preamble = 0;
        while ((body[preamble] & 0x80) != 0) {
            preamble++;
        }
        byte[] lying = ByteMutations.splice(body, 0, preamble + 1, ByteMutations.varint(lie & Long.MAX_VALUE));
        decodeOrRefuse(lying);
    }

    @Property(tries = 2000)
    void damagedSnappyBlocksAreRefusedOrDecoded(@ForAll("damagedSnappy") byte[] body) {
        decodeOrRefuse(body);
    }

    @Provide
    Arbitrary<byte[]> damagedWriteRequests() {
        Arbitrary<byte[]> seeds = Arbitraries.oneOf(
                writeRequests().map(WriteRequest::toByteArray),
                Arbitraries.of(GOLDEN_PROTOBUF));
        return ByteMutations.mutated(seeds);
    }

    @Provide
    Arbitrary<byte[]> damagedSnappy() {
        return ByteMutations.mutated(Arbitraries.oneOf(
                writeRequests().map(r -> snappy(r.toByteArray())), Arbitraries.of(GOLDEN)));
    }

    @Provide
    Arbitrary<Long> lengths() {
        return ByteMutations.interestingValues();
    }

    @Provide
    Arbitrary<WriteRequest> writeRequests() {
        Arbitrary<List<TimeSeries>> series = series().list().ofMaxSize(4);
        Arbitrary<List<MetricMetadata>> metadata = metadata().list().ofMaxSize(2);
        return Combinators.combine(series, metadata).as((s, m) -> WriteRequest.newBuilder()
                .addAllTimeseries(s).addAllMetadata(m).build());
    }

    private static Arbitrary<TimeSeries> series() {
        Arbitrary<List<Label>> labels = label().list().ofMaxSize(5);
        Arbitrary<List<Sample>> samples = sample().list().ofMaxSize(4);
        Arbitrary<List<Exemplar>> exemplars = Combinators.combine(label().list().ofMaxSize(2), Arbitraries.doubles(),
                        Arbitraries.longs())
                .as((l, v, t) -> Exemplar.newBuilder().addAllLabels(l).setValue(v).setTimestamp(t).build())
                .list().ofMaxSize(1);
        Arbitrary<List<Histogram>> histograms = Combinators.combine(Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.integers().between(-4, 8), Arbitraries.longs().list().ofMaxSize(4))
                .as((count, schema, deltas) -> Histogram.newBuilder().setCountInt(count).setSchema(schema)
                        .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(deltas.size()))
                        .addAllPositiveDeltas(deltas).build())
                .list().ofMaxSize(1);
        return Combinators.combine(labels, samples, exemplars, histograms).as((l, s, e, h) -> TimeSeries.newBuilder()
                .addAllLabels(l).addAllSamples(s).addAllExemplars(e).addAllHistograms(h).build());
    }

    private static Arbitrary<Label> label() {
        // An empty name refuses the whole body, so it is kept rare to let most seeds decode.
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of("__name__", "job", "instance", "le")),
                Tuple.of(4, Arbitraries.strings().ofMinLength(1).ofMaxLength(12)), Tuple.of(1, Arbitraries.just("")));
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.of("up", "node", "", "\u00e9t\u00e9"),
                Arbitraries.strings().ofMaxLength(20));
        return Combinators.combine(names, values).as((n, v) -> Label.newBuilder().setName(n).setValue(v).build());
    }

    private static Arbitrary<Sample> sample() {
        Arbitrary<Double> values = Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.longBitsToDouble(0x7ff0000000000002L), -0.0,
                        Double.POSITIVE_INFINITY));
        return Combinators.combine(values, Arbitraries.longs())
                .as((v, t) -> Sample.newBuilder().setValue(v).setTimestamp(t).build());
    }

    private static Arbitrary<MetricMetadata> metadata() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.strings().ofMaxLength(10),
                        Arbitraries.strings().ofMaxLength(30))
                .as((type, family, help) -> MetricMetadata.newBuilder().setTypeValue(type)
                        .setMetricFamilyName(family).setHelp(help).build());
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
