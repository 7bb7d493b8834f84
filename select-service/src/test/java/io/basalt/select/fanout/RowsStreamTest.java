package io.basalt.select.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.promql.engine.QueryLimitException;
import io.basalt.wire.cluster.MalformedBodyException;
import io.basalt.wire.cluster.RowsCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowsStreamTest {

    private static final SampleBudget AMPLE = new SampleBudget(1_000_000, "limit");

    private static final List<TimeSeries> SERIES = List.of(
            new TimeSeries(Labels.of("__name__", "up", "instance", "ä:9100"), new long[] { -5, 1000, 1_700_000_000_000L },
                    new double[] { -0.0, StaleMarker.VALUE, 1e300 }),
            new TimeSeries(Labels.of("__name__", "empty"), new long[0], new double[0]),
            series("long", 3000));

    private static final byte[] BODY = RowsCodec.encode(new TenantId(7, 1), SERIES);

    @Test
    void splittingTheAnswerAnywhereDecodesTheSameSeriesBitForBit() {
        for (int cut = 0; cut <= BODY.length; cut += 7) {
            List<TimeSeries> got = new ArrayList<>();
            RowsStream rows = new RowsStream(AMPLE, got::add);
            rows.feed(ByteBuffer.wrap(BODY, 0, cut));
            rows.feed(ByteBuffer.wrap(BODY, cut, BODY.length - cut));
            rows.finish();

            assertThat(got).as("cut at byte %d", cut).isEqualTo(SERIES);
            assertThat(Double.doubleToRawLongBits(got.get(0).value(1))).isEqualTo(StaleMarker.BITS);
            assertThat(Double.doubleToRawLongBits(got.get(0).value(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        }
    }

    @Test
    void eachSeriesIsHandedOnAsSoonAsItsLastByteArrives() {
        List<TimeSeries> got = new ArrayList<>();
        RowsStream rows = new RowsStream(AMPLE, got::add);
        int firstTwo = RowsCodec.encode(new TenantId(7, 1), SERIES.subList(0, 2)).length;

        rows.feed(ByteBuffer.wrap(BODY, 0, firstTwo));

        assertThat(got).isEqualTo(SERIES.subList(0, 2));
    }

    @Test
    void aSeriesOverTheBudgetIsRefusedFromItsSampleCountBeforeItsSamplesArrive() {
        byte[] body = RowsCodec.encode(TenantId.DEFAULT, List.of(series("big", 5000)));
        RowsStream rows = new RowsStream(new SampleBudget(4999, "basalt.select.max-samples-per-query"), s -> {
        });

        // The header, the label section, the count and a few timestamps: no value has arrived yet.
        assertThatThrownBy(() -> rows.feed(ByteBuffer.wrap(body, 0, 60)))
            .isInstanceOf(QueryLimitException.class)
            .hasMessageContaining("basalt.select.max-samples-per-query=4999");
    }

    @Test
    void aCutAnswerIsMalformedNotShort() {
        RowsStream rows = new RowsStream(AMPLE, s -> {
        });
        rows.feed(ByteBuffer.wrap(BODY, 0, BODY.length - 1));

        assertThatThrownBy(rows::finish).isInstanceOf(MalformedBodyException.class).hasMessageContaining("inside");
        assertThatThrownBy(() -> new RowsStream(AMPLE, s -> {
        }).finish()).isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void anotherFormatIsRefused() {
        byte[] other = "BRW2\0\0\0\0\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new RowsStream(AMPLE, s -> {
        }).feed(ByteBuffer.wrap(other))).isInstanceOf(MalformedBodyException.class).hasMessageContaining("BRW1");
    }

    static TimeSeries series(String name, int n) {
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + i * 15_000L + (i % 3);
            vs[i] = i * 0.5;
        }
        return new TimeSeries(Labels.of("__name__", name), ts, vs);
    }
}
