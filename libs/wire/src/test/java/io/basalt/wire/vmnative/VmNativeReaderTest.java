package io.basalt.wire.vmnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The native decoder against real VictoriaMetrics 1.79 exports (see {@code src/test/resources/vmnative/README.md}):
 * every series, timestamp and value bit must equal VictoriaMetrics' own JSON export of the same data.
 */
class VmNativeReaderTest {

    @Test
    void specialValuesDecodeAsVictoriaMetricsExportsThem() throws IOException {
        Map<Labels, Map<Long, Long>> decoded = decode(resource("special-values.native"));

        assertThat(decoded).isEqualTo(VmExportJson.parse(text(resource("special-values.jsonl"))));
        assertThat(decoded.get(Labels.of("__name__", "c_special", "k", "v")).values())
            .containsExactly(bits(Double.POSITIVE_INFINITY), bits(Double.NEGATIVE_INFINITY), bits(1e300), bits(0));
        assertThat(decoded.get(Labels.of("__name__", "b_metric", "job", "y")).values())
            .containsExactly(bits(0.1), bits(1.6), bits(3.1), bits(4.6), bits(6.1));
    }

    @Test
    void everyMarshalTypeDecodesAsVictoriaMetricsExportsIt() throws IOException {
        byte[] body = resource("all-encodings.native");
        List<String> blocks = new ArrayList<>();
        Map<Labels, Map<Long, Long>> decoded = new TreeMap<>();
        long n = VmNativeReader.read(new ByteArrayInputStream(body), (labels, ts, vs) -> {
            blocks.add(labels.metricName() + "/" + ts.length);
            collect(decoded, labels, ts, vs);
        });

        assertThat(decoded).isEqualTo(VmExportJson.parse(text(gunzip(resource("all-encodings.jsonl.gz")))));
        assertThat(n).isEqualTo(9);
        // A series longer than VictoriaMetrics' 8192 rows per block comes as two blocks.
        assertThat(blocks).contains("long_series/8192", "long_series/1808");
        assertThat(decoded.get(Labels.of("__name__", "esc_labels", "k\u0001", "a\u0000b\u0001c\u0002d",
                "uni", "\u00e9\u4e2d\uD83D\uDE00"))).hasSize(2);
    }

    @Test
    void anEmptyBodyHoldsNoBlocks() throws IOException {
        assertThat(VmNativeReader.read(InputStream.nullInputStream(), (l, t, v) -> {
            throw new AssertionError("no block expected");
        })).isZero();
    }

    @Test
    void aBodyCutAnywhereInsideABlockFailsNamingTheBlock() {
        byte[] body = resource("special-values.native");
        List<Integer> boundaries = new ArrayList<>(List.of(16));
        for (int[] frame : frames(body)) {
            boundaries.add(frame[2] + frame[3]);
        }
        assertThat(boundaries).hasSize(4).endsWith(body.length);
        for (int cut = 1; cut < body.length; cut++) {
            byte[] prefix = Arrays.copyOf(body, cut);
            if (boundaries.contains(cut)) {
                assertThat(decode(prefix)).as("cut at %d", cut).hasSize(boundaries.indexOf(cut));
            }
            else {
                assertThatThrownBy(() -> decode(prefix)).as("cut at %d", cut)
                    .isInstanceOf(VmNativeFormatException.class)
                    .hasMessageStartingWith(cut < 16 ? "native: body ends inside its 16-byte header" : "native block");
            }
        }
    }

    @Test
    void aForgedLengthIsRefusedBeforeAnythingIsAllocated() {
        byte[] body = Arrays.copyOf(resource("special-values.native"), 20);
        ByteBuffer.wrap(body, 16, 4).putInt(-1);

        assertThatThrownBy(() -> decode(body)).isInstanceOf(VmNativeFormatException.class)
            .hasMessage("native block 1: metric name of 4294967295 bytes is over the limit of 1048576");
    }

    @Test
    void anUnknownMarshalTypeFails() {
        byte[] body = resource("special-values.native");
        // A block starts with four varints (min timestamp, first value, rows, scale), then the timestamps' type.
        int typeAt = frames(body).get(0)[2];
        for (int varints = 0; varints < 4; typeAt++) {
            if (body[typeAt] >= 0) {
                varints++;
            }
        }
        assertThat(body[typeAt]).isEqualTo((byte) 2);
        body[typeAt] = 9;

        assertThatThrownBy(() -> decode(body)).isInstanceOf(VmNativeFormatException.class)
            .hasMessageStartingWith("native block 1: ").hasMessageEndingWith("timestamps: unknown marshal type 9");
    }

    @Test
    void corruptZstdDataFails() {
        // One sine_wave block holds zstd columns (types 1 and 4); flipping bytes inside its data must not decode.
        byte[] body = resource("all-encodings.native");
        byte[] name = "sine_wave\u0001i\u00017\u0001".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(body, name) + name.length + 4 + 20;
        for (int i = 0; i < 8; i++) {
            body[at + i] ^= (byte) 0x5a;
        }

        assertThatThrownBy(() -> decode(body)).isInstanceOf(VmNativeFormatException.class)
            .hasMessageContaining("sine_wave").hasMessageContaining("zstd");
    }

    @Test
    void aStaleMarkerStoredByVictoriaMetricsBecomesThePrometheusStaleNaNBitForBit() {
        Map<Labels, Map<Long, Long>> decoded = decode(resource("stale-marker.native"));

        assertThat(decoded.get(Labels.of("__name__", "stale_test", "k", "v"))).containsExactly(
                Map.entry(1_700_000_000_000L, bits(1)), Map.entry(1_700_000_015_000L, bits(2)),
                Map.entry(1_700_000_030_000L, StaleMarker.BITS));
    }

    @Test
    void aDuplicateLabelNameIsRefused() {
        byte[] body = resource("special-values.native");
        int[] first = frames(body).get(0);
        byte[] block = Arrays.copyOfRange(body, first[2], first[2] + first[3]);

        assertThatThrownBy(() -> decode(body(List.of("m\u0001a\u0001x\u0001a\u0001y\u0001"), List.of(block))))
            .isInstanceOf(VmNativeFormatException.class)
            .hasMessage("native block 1: invalid labels: duplicate label name 'a'");
    }

    /** Each frame of a native body: metric name start and length, block start and length. */
    private static List<int[]> frames(byte[] body) {
        List<int[]> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(body, 16, body.length - 16);
        while (in.hasRemaining()) {
            int nameLength = in.getInt();
            int nameStart = in.position();
            in.position(nameStart + nameLength);
            int blockLength = in.getInt();
            int blockStart = in.position();
            in.position(blockStart + blockLength);
            out.add(new int[] { nameStart, nameLength, blockStart, blockLength });
        }
        return out;
    }

    private static byte[] body(List<String> names, List<byte[]> blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[16]);
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(name.length).array());
            out.writeBytes(name);
            out.writeBytes(ByteBuffer.allocate(4).putInt(blocks.get(i).length).array());
            out.writeBytes(blocks.get(i));
        }
        return out.toByteArray();
    }

    private static Map<Labels, Map<Long, Long>> decode(byte[] body) {
        Map<Labels, Map<Long, Long>> out = new TreeMap<>();
        try {
            VmNativeReader.read(new ByteArrayInputStream(body), (labels, ts, vs) -> collect(out, labels, ts, vs));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void collect(Map<Labels, Map<Long, Long>> out, Labels labels, long[] ts, double[] vs) {
        Map<Long, Long> samples = out.computeIfAbsent(labels, l -> new TreeMap<>());
        for (int i = 0; i < ts.length; i++) {
            samples.put(ts[i], bits(vs[i]));
        }
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    static byte[] resource(String name) {
        try {
            return Files.readAllBytes(Path.of(VmNativeReaderTest.class.getResource("/vmnative/" + name).toURI()));
        }
        catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("golden file " + name, e);
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
