package io.basalt.wire.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.wire.remotewrite.RemoteWriteException.Reason;
import io.basalt.wire.remotewrite.proto.Label;
import io.basalt.wire.remotewrite.proto.Sample;
import io.basalt.wire.remotewrite.proto.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedOutputStream;

/** Every refusal has its own reason, status and a message that tells the sender what is wrong. */
class RemoteWriteRejectionTest {

    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder();

    @Test
    void bodyThatIsNotSnappyIsRefusedWith400() {
        RemoteWriteException e = refusal(decoder, "definitely not snappy".getBytes(StandardCharsets.US_ASCII));

        assertThat(e.reason()).isEqualTo(Reason.SNAPPY);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("snappy: ").contains("block format");
    }

    @Test
    void uncompressedProtobufIsRefusedAsNotSnappy() {
        byte[] protobuf = RemoteWriteEncoder.encodeProtobuf(List.of(series("up", 1, 1.0)), List.of());

        assertThat(refusal(decoder, protobuf).reason()).isEqualTo(Reason.SNAPPY);
    }

    @Test
    void snappyFramedStreamIsRefusedAsNotSnappyBlockFormat() throws Exception {
        byte[] protobuf = RemoteWriteEncoder.encodeProtobuf(List.of(series("up", 1, 1.0)), List.of());
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        try (SnappyFramedOutputStream out = new SnappyFramedOutputStream(framed)) {
            out.write(protobuf);
        }

        assertThat(refusal(decoder, framed.toByteArray()).reason()).isEqualTo(Reason.SNAPPY);
    }

    @Test
    void truncatedSnappyBlockIsRefused() {
        byte[] body = RemoteWriteEncoder.encode(List.of(series("up", 1, 1.0), series("down", 2, 0.5)));

        RemoteWriteException e = refusal(decoder, Arrays.copyOf(body, body.length - 3));

        assertThat(e.reason()).isEqualTo(Reason.SNAPPY);
    }

    @Test
    void emptyBodyIsRefusedAsNotSnappy() {
        assertThat(refusal(decoder, new byte[0]).reason()).isEqualTo(Reason.SNAPPY);
    }

    @Test
    void snappyOfSomethingThatIsNotAWriteRequestIsAProtobufError() throws Exception {
        byte[] truncated = { 0x0a, 0x20, 0x0a, 0x03 };

        RemoteWriteException e = refusal(decoder, Snappy.compress(truncated));

        assertThat(e.reason()).isEqualTo(Reason.PROTOBUF);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("protobuf: ");
    }

    @Test
    void fieldNumberZeroIsAProtobufError() throws Exception {
        RemoteWriteException e = refusal(decoder, Snappy.compress(new byte[] { 0x00, 0x01 }));

        assertThat(e.reason()).isEqualTo(Reason.PROTOBUF);
    }

    @Test
    void duplicatedLabelNameIsRefusedNamingTheLabel() throws Exception {
        byte[] body = snappy(request(label("__name__", "up"), label("job", "a"), label("job", "b")));

        RemoteWriteException e = refusal(decoder, body);

        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_LABEL_NAME);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("duplicate label name \"job\"");
    }

    @Test
    void duplicateIsFoundAlsoWhenLabelsAreUnsorted() throws Exception {
        byte[] body = snappy(request(label("zone", "a"), label("__name__", "up"), label("zone", "b")));

        assertThat(refusal(decoder, body).getMessage()).contains("duplicate label name \"zone\"");
    }

    @Test
    void duplicateIsFoundAlsoWhenOneCopyHasAnEmptyValue() throws Exception {
        byte[] body = snappy(request(label("__name__", "up"), label("job", ""), label("job", "b")));

        assertThat(refusal(decoder, body).reason()).isEqualTo(Reason.DUPLICATE_LABEL_NAME);
    }

    @Test
    void emptyLabelNameIsRefused() throws Exception {
        byte[] body = snappy(request(label("__name__", "up"), label("", "orphan")));

        RemoteWriteException e = refusal(decoder, body);

        assertThat(e.reason()).isEqualTo(Reason.EMPTY_LABEL_NAME);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("empty label name").contains("orphan");
    }

    @Test
    void invalidUtf8InALabelValueIsRefusedNamingTheLabel() throws Exception {
        byte[] body = Snappy.compress(rawSeries("job", new byte[] { 'a', (byte) 0xC3, 0x28 }));

        RemoteWriteException e = refusal(decoder, body);

        assertThat(e.reason()).isEqualTo(Reason.INVALID_UTF8);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("invalid value of label \"job\": not valid UTF-8");
    }

    @Test
    void utf16SurrogateEncodedAsUtf8IsInvalid() throws Exception {
        byte[] body = Snappy.compress(rawSeries("job", new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }));

        assertThat(refusal(decoder, body).reason()).isEqualTo(Reason.INVALID_UTF8);
    }

    @Test
    void bodyThatDecompressesBeyondTheLimitIsRefusedWith413BeforeDecompressing() throws Exception {
        RemoteWriteDecoder small = new RemoteWriteDecoder(1000);
        byte[] body = Snappy.compress(new byte[5000]);

        RemoteWriteException e = refusal(small, body);

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.httpStatus()).isEqualTo(413);
        assertThat(e.getMessage()).contains("5000 bytes").contains("limit is 1000 bytes");
    }

    @Test
    void snappyHeaderClaimingAHugeSizeIsRefusedWithoutAllocatingIt() {
        byte[] body = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00 };

        assertThat(refusal(decoder, body).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void reasonsHaveDistinctMessagePrefixesAndStatuses() {
        assertThat(Reason.TOO_LARGE.httpStatus()).isEqualTo(413);
        assertThat(Arrays.stream(Reason.values()).filter(r -> r != Reason.TOO_LARGE))
                .allSatisfy(r -> assertThat(r.httpStatus()).isEqualTo(400));
    }

    private static RemoteWriteException refusal(RemoteWriteDecoder decoder, byte[] body) {
        RemoteWriteException e = catchThrowableOfType(RemoteWriteException.class, () -> decoder.decode(body));
        assertThat(e).as("decoding should have been refused").isNotNull();
        return e;
    }

    static TimeSeries series(String name, long timestamp, double value) {
        return TimeSeries.single(Labels.of("__name__", name), timestamp, value);
    }

    static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    static WriteRequest request(Label... labels) {
        return WriteRequest.newBuilder().addTimeseries(io.basalt.wire.remotewrite.proto.TimeSeries.newBuilder()
                .addAllLabels(List.of(labels))
                .addSamples(Sample.newBuilder().setValue(1).setTimestamp(1000))).build();
    }

    static byte[] snappy(WriteRequest request) throws Exception {
        return Snappy.compress(request.toByteArray());
    }

    /** One series whose single label value is raw bytes: the generated classes refuse to build invalid UTF-8. */
    private static byte[] rawSeries(String labelName, byte[] labelValue) throws Exception {
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        CodedOutputStream l = CodedOutputStream.newInstance(label);
        l.writeString(1, labelName);
        l.writeBytes(2, ByteString.copyFrom(labelValue));
        l.flush();
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(series);
        s.writeBytes(1, ByteString.copyFrom(label.toByteArray()));
        s.writeBytes(2, Sample.newBuilder().setValue(1).setTimestamp(5).build().toByteString());
        s.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(request);
        r.writeBytes(1, ByteString.copyFrom(series.toByteArray()));
        r.flush();
        return request.toByteArray();
    }
}
