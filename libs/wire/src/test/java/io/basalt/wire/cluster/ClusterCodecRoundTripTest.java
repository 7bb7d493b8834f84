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
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** Basalt's internal formats give back exactly what was encoded, and refuse damaged bodies cleanly. */
class ClusterCodecRoundTripTest {

    @Test
    void rowsDecodeOfEncodeIsTheIdentity() {
        Seeded.forAll(200, g -> {
            TenantId tenant = tenant(g);
            List<TimeSeries> series = series(g);
            RowsCodec.Rows rows = RowsCodec.decode(RowsCodec.encode(tenant, series));

            assertThat(rows.tenant()).isEqualTo(tenant);
            assertThat(rows.series()).containsExactlyElementsOf(series);
            assertThat(rows.sampleCount()).isEqualTo(series.stream().mapToLong(TimeSeries::size).sum());
        });
    }

    @Test
    void searchQueryDecodeOfEncodeIsTheIdentity() {
        Seeded.forAll(300, g -> {
            SearchQuery query = new SearchQuery(tenant(g), g.anyLong(), g.anyLong(), matchers(g),
                    g.bool() ? g.intBetween(0, Integer.MAX_VALUE) : g.oneOf(0, 1, Integer.MAX_VALUE));

            assertThat(SearchQuery.decode(query.encode())).isEqualTo(query);
        });
    }

    @Test
    void stringListDecodeOfEncodeIsTheIdentity() {
        Seeded.forAll(200, g -> {
            List<String> strings = g.list(0, 10, x -> x.text(0, 20));
            assertThat(StringListCodec.decode(StringListCodec.encode(strings))).containsExactlyElementsOf(strings);
        });
    }

    @Test
    void truncatedRowsBlockIsRefusedAsMalformed() {
        Seeded.forAll(200, g -> {
            List<TimeSeries> series = series(g);
            byte[] body = RowsCodec.encode(tenant(g), series);
            byte[] truncated = Arrays.copyOf(body, (int) (body.length * g.fraction()));
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
        });
    }

    @Test
    void wrongMagicIsRefused() {
        Seeded.forAll(50, g -> {
            byte[] rows = RowsCodec.encode(TenantId.DEFAULT, series(g));
            rows[3] = '9';

            assertThat(catchThrowableOfType(MalformedBodyException.class, () -> RowsCodec.decode(rows)))
                    .hasMessageContaining("rows block");
            assertThat(catchThrowableOfType(MalformedBodyException.class,
                    () -> SearchQuery.decode("BRW1".getBytes(StandardCharsets.US_ASCII))))
                    .hasMessageContaining("search query");
        });
    }

    private static TenantId tenant(Gen g) {
        return new TenantId(g.anyInt(), g.anyInt());
    }

    private static List<TimeSeries> series(Gen g) {
        return g.list(0, 6, x -> {
            Map<String, String> labels = new LinkedHashMap<>();
            int n = x.intBetween(0, 5);
            for (int i = 0; i < n; i++) {
                labels.put(x.text(1, 10), x.text(1, 16));
            }
            int samples = x.intBetween(0, 6);
            long[] ts = new long[samples];
            double[] vs = new double[samples];
            for (int i = 0; i < samples; i++) {
                ts[i] = x.anyLong();
                vs[i] = x.bool() ? x.anyDoubleBits() : x.oneOf(StaleMarker.VALUE, -0.0, Double.NaN,
                        Double.POSITIVE_INFINITY);
            }
            return new TimeSeries(Labels.fromMap(labels), ts, vs);
        });
    }

    private static List<LabelMatcher> matchers(Gen g) {
        return g.list(0, 5, x -> {
            LabelMatcher.Type type = x.oneOf(LabelMatcher.Type.values());
            String regex = x.oneOf("", ".*", "a|b", "api-.+", "[0-9]+", "ü𝄞\\\\");
            return LabelMatcher.of(type, x.text(1, 10),
                    type == LabelMatcher.Type.REGEX || type == LabelMatcher.Type.NOT_REGEX ? regex : x.text(0, 12));
        });
    }
}
