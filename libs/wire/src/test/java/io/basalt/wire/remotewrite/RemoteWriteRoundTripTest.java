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
import java.util.LinkedHashMap;
import java.util.Map;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** Encoding then decoding gives back exactly what went in, for any series a sender could produce. */
class RemoteWriteRoundTripTest {

    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder();

    @Test
    void decodeOfEncodeIsTheIdentity() {
        Seeded.forAll(300, g -> {
            List<TimeSeries> series = series(g);
            List<MetricMetadata> metadata = metadata(g);
            RemoteWriteRequest decoded = decoder.decode(RemoteWriteEncoder.encode(series, metadata));

            assertThat(decoded.series()).containsExactlyElementsOf(series);
            assertThat(decoded.metadata()).containsExactlyElementsOf(metadata);
        });
    }

    @Test
    void labelSectionsEncodedOnceWriteTheSameRequestAsLabelsAndTheBufferIsReusable() {
        WriteRequestBuffer reused = new WriteRequestBuffer(64);
        Seeded.forAll(300, g -> {
            List<TimeSeries> series = series(g);
            reused.clear();
            for (TimeSeries ts : series) {
                byte[] section = WriteRequestBuffer.labelsSection(ts.labels());
                if (ts.size() == 1) {
                    reused.add(section, ts.timestamp(0), ts.value(0));
                }
                else {
                    reused.add(section, ts.timestamps(), ts.values());
                }
            }

            assertThat(reused.protobuf()).isEqualTo(RemoteWriteEncoder.encodeProtobuf(series, List.of()));
            assertThat(reused.samples()).isEqualTo(series.stream().mapToInt(TimeSeries::size).sum());
            assertThat(decoder.decode(reused.snappy()).series()).containsExactlyElementsOf(series);
        });
    }

    @Test
    void generatedProtobufClassesReadWhatTheEncoderWrites() {
        Seeded.forAll(200, g -> {
            try {
                generatedProtobufClassesReadWhatTheEncoderWrites(series(g));
            }
            catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void generatedProtobufClassesReadWhatTheEncoderWrites(List<TimeSeries> series) throws Exception {
        WriteRequest parsed = WriteRequest.parseFrom(Snappy.uncompress(RemoteWriteEncoder.encode(series)));

        assertThat(parsed.getTimeseriesCount()).isEqualTo(series.size());
        for (int i = 0; i < series.size(); i++) {
            TimeSeries expected = series.get(i);
            var actual = parsed.getTimeseries(i);
            assertThat(actual.getLabelsList()).extracting(Label::getName, Label::getValue)
                    .containsExactlyElementsOf(expected.labels().asList().stream()
                            .map(l -> org.assertj.core.groups.Tuple.tuple(l.name(), l.value())).toList());
            assertThat(actual.getSamplesList()).extracting(Sample::getTimestamp)
                    .containsExactly(toObjects(expected.timestamps()));
            for (int j = 0; j < expected.size(); j++) {
                assertThat(Double.doubleToRawLongBits(actual.getSamples(j).getValue()))
                        .isEqualTo(Double.doubleToRawLongBits(expected.value(j)));
            }
        }
    }

    /** Prometheus treats an empty label value as no label at all, and so does decode. */
    @Test
    void emptyLabelValuesOnTheWireDecodeAsAbsentLabels() {
        Seeded.forAll(200, g -> emptyLabelValuesOnTheWireDecodeAsAbsentLabels(labelMap(g), labelName(g)));
    }

    private void emptyLabelValuesOnTheWireDecodeAsAbsentLabels(Map<String, String> labels, String emptyName) {
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
    @Test
    void corruptedBodiesAreRefusedCleanly() {
        Seeded.forAll(300, g -> {
            byte[] body = RemoteWriteEncoder.encode(series(g));
            byte noise = (byte) g.anyInt();
            for (int p : g.list(1, 4, x -> x.intBetween(0, 10_000))) {
                body[p % body.length] ^= (byte) (noise | 1);
            }

            try {
                decoder.decode(body);
            }
            catch (RemoteWriteException e) {
                assertThat(e.httpStatus()).isIn(400, 413);
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    static List<TimeSeries> series(Gen g) {
        return g.list(0, 8, x -> {
            Map<String, String> labels = labelMap(x);
            int n = x.intBetween(1, 5);
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                ts[i] = timestamp(x);
                vs[i] = value(x);
            }
            return new TimeSeries(Labels.fromMap(labels), ts, vs);
        });
    }

    static List<MetricMetadata> metadata(Gen g) {
        return g.list(0, 3, x -> new MetricMetadata(x.oneOf(MetricType.values()), text(x, 0, 20), text(x, 0, 40),
                text(x, 0, 8)));
    }

    static Map<String, String> labelMap(Gen g) {
        Map<String, String> labels = new LinkedHashMap<>();
        int n = g.intBetween(0, 6);
        for (int i = 0; i < n; i++) {
            labels.put(labelName(g), text(g, 1, 24));
        }
        return labels;
    }

    static String labelName(Gen g) {
        return g.bool() ? g.oneOf("__name__", "job", "instance", "le") : text(g, 1, 12);
    }

    /** Any valid Unicode text, astral-plane characters included; lone surrogates cannot be encoded as UTF-8. */
    static String text(Gen g, int minLength, int maxLength) {
        return g.text(minLength, maxLength);
    }

    static long timestamp(Gen g) {
        return switch (g.intBetween(0, 2)) {
            case 0 -> g.anyLong();
            case 1 -> g.longBetween(1_600_000_000_000L, 1_900_000_000_000L);
            default -> g.oneOf(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
        };
    }

    /** Raw bit patterns reach every NaN payload; the named edge cases make sure each run sees them. */
    static double value(Gen g) {
        return g.bool() ? g.anyDouble() : g.oneOf(StaleMarker.VALUE, Double.NaN, -0.0, 0.0,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE);
    }

    private static Long[] toObjects(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
