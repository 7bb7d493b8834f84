package io.basalt.wire.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;

/** What the writer writes, the parser reads back unchanged, in both formats. */
class ExpositionRoundTripTest {

    record Family(MetricMetadata metadata, List<Sample> samples) {
    }

    record Sample(Labels labels, double value, long timestamp) {
    }

    @Test
    void parseOfWriteIsTheIdentity() {
        Seeded.forAll(300, g -> parseOfWriteIsTheIdentity(families(g), g.oneOf(ExpositionFormat.values())));
    }

    private static void parseOfWriteIsTheIdentity(List<Family> families, ExpositionFormat format) {
        StringBuilder page = new StringBuilder();
        ExpositionWriter writer = new ExpositionWriter(page, format);
        for (Family f : families) {
            writer.family(f.metadata());
            f.samples().forEach(s -> writer.sample(s.labels(), s.value(), s.timestamp()));
        }
        writer.finish();

        RecordingListener read = new RecordingListener();
        new ExpositionParser(format).parse(page.toString().getBytes(StandardCharsets.UTF_8), read);

        List<MetricMetadata> expectedFamilies = families.stream().map(f -> format == ExpositionFormat.OPENMETRICS
                ? f.metadata() : withoutUnit(f.metadata())).toList();
        assertThat(read.families).containsExactlyElementsOf(expectedFamilies);
        List<RecordingListener.Sample> expected = new ArrayList<>();
        for (int i = 0; i < families.size(); i++) {
            for (Sample s : families.get(i).samples()) {
                expected.add(new RecordingListener.Sample(expectedFamilies.get(i), s.labels(), s.value(),
                        s.timestamp()));
            }
        }
        assertThat(read.samples).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            RecordingListener.Sample actual = read.samples.get(i);
            assertThat(actual.family()).isEqualTo(expected.get(i).family());
            assertThat(actual.labels()).isEqualTo(expected.get(i).labels());
            assertThat(actual.timestamp()).isEqualTo(expected.get(i).timestamp());
            assertThat(Double.doubleToLongBits(actual.value())).as("value of %s", actual.labels())
                    .isEqualTo(Double.doubleToLongBits(expected.get(i).value()));
        }
    }

    private static MetricMetadata withoutUnit(MetricMetadata m) {
        return new MetricMetadata(m.type(), m.family(), m.help(), "");
    }

    /** Family names get their position as a suffix, so they are unique and never end like another's samples. */
    private static List<Family> families(Gen g) {
        return named(g.list(0, 5, x -> new Family(
                new MetricMetadata(x.oneOf(MetricType.GAUGE, MetricType.COUNTER, MetricType.UNKNOWN), metricName(x),
                        text(x, 0, 30).strip(), x.oneOf("", "seconds", "bytes")),
                x.list(0, 4, y -> new Sample(Labels.fromMap(labelMap(y)), value(y), timestamp(y))))));
    }

    private static List<Family> named(List<Family> families) {
        List<Family> out = new ArrayList<>();
        for (int i = 0; i < families.size(); i++) {
            MetricMetadata m = families.get(i).metadata();
            String name = m.family() + "_f" + i;
            List<Sample> samples = families.get(i).samples().stream()
                    .map(s -> new Sample(s.labels().toBuilder().set(Labels.METRIC_NAME, name).build(), s.value(),
                            s.timestamp()))
                    .toList();
            out.add(new Family(new MetricMetadata(m.type(), name, m.help(), m.unit()), samples));
        }
        return out;
    }

    private static String metricName(Gen g) {
        return g.string("abcxyz_:", 1, 1) + g.string("abcdefghijklmnopqrstuvwxyz_:0123456789", 0, 12);
    }

    private static Map<String, String> labelMap(Gen g) {
        Map<String, String> labels = new LinkedHashMap<>();
        int n = g.intBetween(0, 4);
        for (int i = 0; i < n; i++) {
            String name = g.string("abcxyzABC_", 1, 1) + g.string("abcdefghij_0123456789", 0, 8);
            if (!name.equals(Labels.METRIC_NAME)) {
                labels.put(name, text(g, 1, 20));
            }
        }
        return labels;
    }

    /** Any valid Unicode but CR, with the characters that need escaping made frequent. */
    private static String text(Gen g, int min, int max) {
        int n = g.intBetween(min, max);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = g.intBetween(0, 9);
            sb.appendCodePoint(kind < 5 ? g.intBetween(0x20, 0x7E)
                    : kind < 8 ? g.oneOf((int) '\\', (int) '"', (int) '\n', (int) '{', (int) '#', (int) ' ')
                    : kind < 9 ? g.intBetween(0xA0, 0xD7FF) : g.intBetween(0x10000, 0x10FFFF));
        }
        return sb.toString();
    }

    /** Text has one NaN, so NaN payloads are not generated; everything else must come back bit for bit. */
    private static double value(Gen g) {
        return switch (g.intBetween(0, 3)) {
            case 0 -> {
                double d = g.anyDoubleBits();
                yield Double.isNaN(d) ? 0.5 : d;
            }
            case 1 -> (g.fraction() - 0.5) * Math.pow(10, g.intBetween(-300, 300));
            case 2 -> g.longBetween(-1_000_000, 1_000_000);
            default -> g.oneOf(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MIN_VALUE, Double.MAX_VALUE, 0.1, 1e15, 1e-5, 123456.789);
        };
    }

    private static long timestamp(Gen g) {
        return switch (g.intBetween(0, 2)) {
            case 0 -> ExpositionParser.NO_TIMESTAMP;
            case 1 -> g.longBetween(-10_000_000_000_000L, 10_000_000_000_000L);
            default -> g.oneOf(0L, -1L, 1L, 999L, 1_700_000_000_123L);
        };
    }
}
