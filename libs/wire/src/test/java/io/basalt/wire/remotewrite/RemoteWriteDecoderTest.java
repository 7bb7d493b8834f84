package io.basalt.wire.remotewrite;

import static io.basalt.wire.remotewrite.RemoteWriteRejectionTest.label;
import static io.basalt.wire.remotewrite.RemoteWriteRejectionTest.request;
import static io.basalt.wire.remotewrite.RemoteWriteRejectionTest.snappy;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.proto.BucketSpan;
import io.basalt.wire.remotewrite.proto.Exemplar;
import io.basalt.wire.remotewrite.proto.Histogram;
import io.basalt.wire.remotewrite.proto.Sample;
import io.basalt.wire.remotewrite.proto.WriteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** What the decoder accepts that a strict reading of the spec might not, and how it reads it. */
class RemoteWriteDecoderTest {

    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder();

    @Test
    void unsortedLabelsAreAcceptedAndSorted() throws Exception {
        byte[] body = snappy(request(label("zone", "eu"), label("__name__", "up"), label("job", "api")));

        TimeSeries ts = decoder.decode(body).series().get(0);

        assertThat(ts.labels().asList()).extracting(l -> l.name()).containsExactly("__name__", "job", "zone");
        assertThat(ts.labels()).isEqualTo(Labels.of("__name__", "up", "job", "api", "zone", "eu"));
    }

    @Test
    void seriesWithoutMetricNameIsAccepted() throws Exception {
        TimeSeries ts = decoder.decode(snappy(request(label("job", "api")))).series().get(0);

        assertThat(ts.labels()).isEqualTo(Labels.of("job", "api"));
        assertThat(ts.labels().metricName()).isEmpty();
    }

    @Test
    void labelWithEmptyValueIsDroppedBecausePrometheusTreatsItAsAbsent() throws Exception {
        TimeSeries ts = decoder.decode(snappy(request(label("__name__", "up"), label("env", ""),
                label("job", "api")))).series().get(0);

        assertThat(ts.labels()).isEqualTo(Labels.of("__name__", "up", "job", "api"));
        assertThat(ts.labels().has("env")).isFalse();
    }

    @Test
    void nativeHistogramsAndExemplarsAreCountedWithoutFailingTheRequest() throws Exception {
        Histogram histogram = Histogram.newBuilder().setCountInt(12).setSum(3.5).setSchema(-2)
                .setZeroThreshold(1e-128).setZeroCountFloat(1.5)
                .addPositiveSpans(BucketSpan.newBuilder().setOffset(-1).setLength(2))
                .addAllPositiveDeltas(List.of(3L, -1L)).addNegativeCounts(2.0)
                .setResetHint(Histogram.ResetHint.GAUGE).setTimestamp(7000).build();
        WriteRequest request = WriteRequest.newBuilder()
                .addTimeseries(io.basalt.wire.remotewrite.proto.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "latency"))
                        .addHistograms(histogram).addHistograms(histogram))
                .addTimeseries(io.basalt.wire.remotewrite.proto.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "requests_total"))
                        .addSamples(Sample.newBuilder().setValue(4).setTimestamp(7000))
                        .addExemplars(Exemplar.newBuilder().addLabels(label("trace_id", "abc")).setValue(1)
                                .setTimestamp(6999)))
                .build();

        RemoteWriteRequest decoded = decoder.decode(Snappy.compress(request.toByteArray()));

        assertThat(decoded.histogramCount()).isEqualTo(2);
        assertThat(decoded.exemplarCount()).isEqualTo(1);
        assertThat(decoded.series()).as("a histogram-only series has no float sample to store")
                .containsExactly(TimeSeries.single(Labels.of("__name__", "requests_total"), 7000, 4.0));
    }

    @Test
    void fieldsUnknownToThisVersionAreSkipped() throws Exception {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("cortex"))
                        .build())
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(42).addFixed32(7).build())
                .build();
        WriteRequest request = request(label("__name__", "up")).toBuilder().setUnknownFields(unknown).build();

        RemoteWriteRequest decoded = decoder.decode(snappy(request));

        assertThat(decoded.series()).containsExactly(TimeSeries.single(Labels.of("__name__", "up"), 1000, 1.0));
    }

    @Test
    void samplesKeepTheirOrderTimestampsAndExactBits() throws Exception {
        WriteRequest request = WriteRequest.newBuilder()
                .addTimeseries(io.basalt.wire.remotewrite.proto.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "x"))
                        .addSamples(Sample.newBuilder().setValue(StaleMarker.VALUE).setTimestamp(-5))
                        .addSamples(Sample.newBuilder().setValue(-0.0).setTimestamp(0))
                        .addSamples(Sample.newBuilder().setTimestamp(Long.MAX_VALUE)))
                .build();

        TimeSeries ts = decoder.decode(snappy(request)).series().get(0);

        assertThat(ts.timestamps()).containsExactly(-5, 0, Long.MAX_VALUE);
        assertThat(StaleMarker.isStale(ts.value(0))).isTrue();
        assertThat(Double.doubleToRawLongBits(ts.value(1))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(ts.value(2)).isZero();
    }

    @Test
    void emptyWriteRequestDecodesToNothing() throws Exception {
        RemoteWriteRequest decoded = decoder.decode(Snappy.compress(new byte[0]));

        assertThat(decoded.series()).isEmpty();
        assertThat(decoded.metadata()).isEmpty();
    }

    @Test
    void encodedBodyIsSnappyBlockOfAWriteRequestThatTheGeneratedClassesRead() throws Exception {
        TimeSeries ts = new TimeSeries(Labels.of("__name__", "up", "job", "api"), new long[] { 1000, 2000 },
                new double[] { 1.0, 0.0 });

        WriteRequest parsed = WriteRequest.parseFrom(Snappy.uncompress(RemoteWriteEncoder.encode(List.of(ts))));

        assertThat(parsed.getTimeseriesCount()).isEqualTo(1);
        assertThat(parsed.getTimeseries(0).getLabelsList()).containsExactly(label("__name__", "up"),
                label("job", "api"));
        assertThat(parsed.getTimeseries(0).getSamplesList()).containsExactly(
                Sample.newBuilder().setValue(1.0).setTimestamp(1000).build(),
                Sample.newBuilder().setValue(0.0).setTimestamp(2000).build());
    }
}
