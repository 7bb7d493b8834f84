package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeSeriesTest {

    private static final Labels UP = Labels.of("__name__", "up");

    @Test
    void valuesCompareByRawBitsSoTheStalenessMarkerStaysDistinct() {
        assertThat(TimeSeries.single(UP, 1, StaleMarker.VALUE)).isEqualTo(TimeSeries.single(UP, 1, StaleMarker.VALUE))
                .isNotEqualTo(TimeSeries.single(UP, 1, Double.NaN));
        assertThat(TimeSeries.single(UP, 1, -0.0)).isNotEqualTo(TimeSeries.single(UP, 1, 0.0));
        assertThat(TimeSeries.single(UP, 1, 1.0)).isNotEqualTo(TimeSeries.single(UP, 2, 1.0));
    }

    @Test
    void staleMarkerIsRecognisedOnlyByItsExactBits() {
        assertThat(StaleMarker.isStale(StaleMarker.VALUE)).isTrue();
        assertThat(Double.doubleToRawLongBits(StaleMarker.VALUE)).isEqualTo(0x7ff0000000000002L);
        assertThat(StaleMarker.isStale(Double.NaN)).isFalse();
        assertThat(StaleMarker.isStale(0)).isFalse();
    }

    @Test
    void timestampsAndValuesMustPairUp() {
        assertThatThrownBy(() -> new TimeSeries(UP, new long[2], new double[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
