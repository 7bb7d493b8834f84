package io.basalt.wire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Basalt's internal formats give back exactly what was encoded, and refuse damaged bodies cleanly. */
class ClusterCodecRoundTripTest {

    @Property(tries = 200)
    void rowsDecodeOfEncodeIsTheIdentity(@ForAll("tenants") TenantId tenant,
            @ForAll("series") List<TimeSeries> series) {
        RowsCodec.Rows rows = RowsCodec.decode(RowsCodec.encode(tenant, series));

        assertThat(rows.tenant()).isEqualTo(tenant);
        assertThat(rows.series()).containsExactlyElementsOf(series);
        assertThat(rows.sampleCount()).isEqualTo(series.stream().mapToLong(TimeSeries::size).sum());
    }

    @Property(tries = 300)
    void searchQueryDecodeOfEncodeIsTheIdentity(@ForAll("tenants") TenantId tenant, @ForAll long minTime,
            @ForAll long maxTime, @ForAll("matchers") List<LabelMatcher> matchers,
            @ForAll("limits") int limit) {
        SearchQuery query = new SearchQuery(tenant, minTime, maxTime, matchers, limit);

        assertThat(SearchQuery.decode(query.encode())).isEqualTo(query);
    }

    @Property(tries = 200)
    void stringListDecodeOfEncodeIsTheIdentity(@ForAll("stringLists") List<String> strings) {
        assertThat(StringListCodec.decode(StringListCodec.encode(strings))).containsExactlyElementsOf(strings);
    }

    @Property(tries = 200)
    void truncatedRowsBlockIsRefusedAsMalformed(@ForAll("tenants") TenantId tenant,
            @ForAll("series") List<TimeSeries> series, @ForAll("fractions") double keep) {
        byte[] body = RowsCodec.encode(tenant, series);
        byte[] truncated = Arrays.copyOf(body, (int) (body.length * keep));
        if (truncated.length == body.length) {
            return;
        }

        try {
            RowsCodec.Rows rows = RowsCodec.decode(truncated);
            // A cut exactly between two series is a shorter valid block; it must then be a prefix of the input.
            assertThat(rows.series().size()).isLessThan(series.size());
            assertThat(rows.series()).isEqualTo(series.subList(0, rows.series().size()));
        }
        catch (MalformedBodyException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 50)
    void wrongMagicIsRefused(@ForAll("series") List<TimeSeries> series) {
        byte[] rows = RowsCodec.encode(TenantId.DEFAULT, series);
        rows[3] = '9';

        assertThat(catchThrowableOfType(MalformedBodyException.class, () -> RowsCodec.decode(rows)))
                .hasMessageContaining("rows block");
        assertThat(catchThrowableOfType(MalformedBodyException.class,
                () -> SearchQuery.decode("BRW1".getBytes(StandardCharsets.US_ASCII))))
                .hasMessageContaining("search query");
    }

    @Provide
    Arbitrary<TenantId> tenants() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(TenantId::new);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE);
    }

    @Provide
    Arbitrary<List<TimeSeries>> series() {
        Arbitrary<long[]> sample = Combinators.combine(Arbitraries.longs(), values())
                .as((t, v) -> new long[] { t, Double.doubleToRawLongBits(v) });
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(text(1, 10), text(1, 16)).ofMaxSize(5);
        return Combinators.combine(labels, sample.list().ofMaxSize(6)).as((l, samples) -> {
            long[] ts = new long[samples.size()];
            double[] vs = new double[samples.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = samples.get(i)[0];
                vs[i] = Double.longBitsToDouble(samples.get(i)[1]);
            }
            return new TimeSeries(Labels.fromMap(l), ts, vs);
        }).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<LabelMatcher>> matchers() {
        Arbitrary<String> regexSafe = Arbitraries.of("", ".*", "a|b", "api-.+", "[0-9]+", "ü𝄞\\\\");
        Arbitrary<LabelMatcher> one = Combinators.combine(Arbitraries.of(LabelMatcher.Type.class), text(1, 10),
                text(0, 12), regexSafe).as((type, name, value, regex) ->
                LabelMatcher.of(type, name, type == LabelMatcher.Type.REGEX || type == LabelMatcher.Type.NOT_REGEX
                        ? regex : value));
        return one.list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<String>> stringLists() {
        return text(0, 20).list().ofMaxSize(10);
    }

    private static Arbitrary<Double> values() {
        return Arbitraries.oneOf(Arbitraries.longs().map(Double::longBitsToDouble),
                Arbitraries.of(StaleMarker.VALUE, -0.0, Double.NaN, Double.POSITIVE_INFINITY));
    }

    private static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMinSize(min).ofMaxSize(max).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }
}
