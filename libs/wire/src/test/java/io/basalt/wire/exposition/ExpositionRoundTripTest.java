package io.basalt.wire.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** What the writer writes, the parser reads back unchanged, in both formats. */
class ExpositionRoundTripTest {

    record Family(MetricMetadata metadata, List<Sample> samples) {
    }

    record Sample(Labels labels, double value, long timestamp) {
    }

    @Property(tries = 300)
    void parseOfWriteIsTheIdentity(@ForAll("families") List<Family> families, @ForAll ExpositionFormat format) {
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
    @Provide
    Arbitrary<List<Family>> families() {
        Arbitrary<MetricMetadata> metadata = Combinators.combine(metricName(),
                Arbitraries.of(MetricType.GAUGE, MetricType.COUNTER, MetricType.UNKNOWN),
                text(0, 30), Arbitraries.of("", "seconds", "bytes"))
                .as((name, type, help, unit) -> new MetricMetadata(type, name, help.strip(), unit));
        Arbitrary<Sample> sample = Combinators.combine(labelMap(), values(), timestamps())
                .as((labels, value, ts) -> new Sample(Labels.fromMap(labels), value, ts));
        return Combinators.combine(metadata, sample.list().ofMaxSize(4)).as(Family::new).list().ofMaxSize(5)
                .map(ExpositionRoundTripTest::named);
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

    private static Arbitrary<String> metricName() {
        return Combinators.combine(Arbitraries.strings().withChars("abcxyz_:").ofLength(1),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_:0123456789").ofMinLength(0).ofMaxLength(12))
                .as(String::concat);
    }

    private static Arbitrary<Map<String, String>> labelMap() {
        Arbitrary<String> labelName = Combinators.combine(Arbitraries.strings().withChars("abcxyzABC_").ofLength(1),
                Arbitraries.strings().withChars("abcdefghij_0123456789").ofMinLength(0).ofMaxLength(8)).as(String::concat)
                .filter(n -> !n.equals(Labels.METRIC_NAME));
        return Arbitraries.maps(labelName, text(1, 20)).ofMaxSize(4);
    }

    /** Any valid Unicode, with the characters that need escaping made frequent. */
    private static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(3, Arbitraries.of((int) '\\', (int) '"', (int) '\n', (int) '{', (int) '#', (int) ' ')),
                Tuple.of(1, Arbitraries.integers().between(0xA0, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMinSize(min).ofMaxSize(max).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        }).filter(s -> !s.contains("\r"));
    }

    /** Text has one NaN, so NaN payloads are not generated; everything else must come back bit for bit. */
    private static Arbitrary<Double> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Double::longBitsToDouble).filter(d -> !Double.isNaN(d)),
                Arbitraries.doubles(),
                Arbitraries.longs().between(-1_000_000, 1_000_000).map(Long::doubleValue),
                Arbitraries.of(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.MIN_VALUE, Double.MAX_VALUE, 0.1, 1e15, 1e-5, 123456.789));
    }

    private static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(Arbitraries.just(ExpositionParser.NO_TIMESTAMP),
                Arbitraries.longs().between(-10_000_000_000_000L, 10_000_000_000_000L),
                Arbitraries.of(0L, -1L, 1L, 999L, 1_700_000_000_123L));
    }
}
