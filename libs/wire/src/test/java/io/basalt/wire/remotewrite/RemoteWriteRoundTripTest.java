package io.basalt.wire.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import io.basalt.wire.remotewrite.proto.Label;
import io.basalt.wire.remotewrite.proto.Sample;
import io.basalt.wire.remotewrite.proto.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xerial.snappy.Snappy;

/** Encoding then decoding gives back exactly what went in, for any series a sender could produce. */
class RemoteWriteRoundTripTest {

    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder();

    @Property(tries = 300)
    void decodeOfEncodeIsTheIdentity(@ForAll("series") List<TimeSeries> series,
            @ForAll("metadata") List<MetricMetadata> metadata) {
        RemoteWriteRequest decoded = decoder.decode(RemoteWriteEncoder.encode(series, metadata));

        assertThat(decoded.series()).containsExactlyElementsOf(series);
        assertThat(decoded.metadata()).containsExactlyElementsOf(metadata);
    }

    @Property(tries = 200)
    void generatedProtobufClassesReadWhatTheEncoderWrites(@ForAll("series") List<TimeSeries> series)
            throws Exception {
        WriteRequest parsed = WriteRequest.parseFrom(Snappy.uncompress(RemoteWriteEncoder.encode(series)));

        assertThat(parsed.getTimeseriesCount()).isEqualTo(series.size());
        for (int i = 0; i < series.size(); i++) {
            TimeSeries expected = series.get(i);
            var actual = parsed.getTimeseries(i);
            assertThat(actual.getLabelsList()).extracting(Label::getName, Label::getValue)
                    .containsExactlyElementsOf(expected.labels().asList().stream()
                            .map(l -> net.jqwik.api.Tuple.of(l.name(), l.value()))
                            .map(t -> org.assertj.core.groups.Tuple.tuple(t.get1(), t.get2())).toList());
            assertThat(actual.getSamplesList()).extracting(Sample::getTimestamp)
                    .containsExactly(toObjects(expected.timestamps()));
            for (int j = 0; j < expected.size(); j++) {
                assertThat(Double.doubleToRawLongBits(actual.getSamples(j).getValue()))
                        .isEqualTo(Double.doubleToRawLongBits(expected.value(j)));
            }
        }
    }

    /** Prometheus treats an empty label value as no label at all, and so does decode. */
    @Property(tries = 200)
    void emptyLabelValuesOnTheWireDecodeAsAbsentLabels(@ForAll("labelMap") Map<String, String> labels,
            @ForAll("labelName") String emptyName) {
        List<Label> wire = new ArrayList<>();
        labels.forEach((n, v) -> wire.add(Label.newBuilder().setName(n).setValue(v).build()));
        if (!labels.containsKey(emptyName)) {
            wire.add(Label.newBuilder().setName(emptyName).build());
        }
        WriteRequest request = WriteRequest.newBuilder()
                .addTimeseries(io.basalt.wire.remotewrite.proto.TimeSeries.newBuilder().addAllLabels(wire)
                        .addSamples(Sample.newBuilder().setValue(1).setTimestamp(1)))
                .build();

        TimeSeries decoded = decoder.decodeProtobuf(request.toByteArray(), 0, request.getSerializedSize())
                .series().get(0);

        assertThat(decoded.labels()).isEqualTo(Labels.fromMap(labels));
    }

    /** Whatever arrives, the decoder either decodes it or refuses it with a status; it never fails otherwise. */
    @Property(tries = 300)
    void corruptedBodiesAreRefusedCleanly(@ForAll("series") List<TimeSeries> series,
            @ForAll("positions") List<Integer> positions, @ForAll byte noise) {
        byte[] body = RemoteWriteEncoder.encode(series);
        for (int p : positions) {
            body[p % body.length] ^= (byte) (noise | 1);
        }

        try {
            decoder.decode(body);
        }
        catch (RemoteWriteException e) {
            assertThat(e.httpStatus()).isIn(400, 413);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<TimeSeries>> series() {
        Arbitrary<long[]> sample = Combinators.combine(timestamps(), values())
                .as((t, v) -> new long[] { t, Double.doubleToRawLongBits(v) });
        Arbitrary<TimeSeries> one = Combinators.combine(labelMap(), sample.list().ofMinSize(1).ofMaxSize(5))
                .as((labels, samples) -> {
                    long[] ts = new long[samples.size()];
                    double[] vs = new double[samples.size()];
                    for (int i = 0; i < ts.length; i++) {
                        ts[i] = samples.get(i)[0];
                        vs[i] = Double.longBitsToDouble(samples.get(i)[1]);
                    }
                    return new TimeSeries(Labels.fromMap(labels), ts, vs);
                });
        return one.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<MetricMetadata>> metadata() {
        return Combinators.combine(Arbitraries.of(MetricType.class), text(0, 20), text(0, 40), text(0, 8))
                .as(MetricMetadata::new).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Map<String, String>> labelMap() {
        return Arbitraries.maps(labelName(), text(1, 24)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> labelName() {
        return Arbitraries.oneOf(Arbitraries.of("__name__", "job", "instance", "le"), text(1, 12));
    }

    /** Any valid Unicode text, astral-plane characters included; lone surrogates cannot be encoded as UTF-8. */
    static Arbitrary<String> text(int minLength, int maxLength) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xD7FF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMinSize(minLength).ofMaxSize(maxLength).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(1_600_000_000_000L,
                1_900_000_000_000L), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** Raw bit patterns reach every NaN payload; the named edge cases make sure each run sees them. */
    static Arbitrary<Double> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Double::longBitsToDouble),
                Arbitraries.doubles(),
                Arbitraries.of(StaleMarker.VALUE, Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE));
    }

    private static Long[] toObjects(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
