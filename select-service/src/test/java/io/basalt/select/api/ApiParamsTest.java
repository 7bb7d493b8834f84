package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiParamsTest {

    @Test
    void timesAreUnixSecondsWithFractionOrRfc3339() {
        assertThat(ApiParams.time("time", "1700000000", 0)).isEqualTo(1_700_000_000_000L);
        assertThat(ApiParams.time("time", "1700000000.5", 0)).isEqualTo(1_700_000_000_500L);
        assertThat(ApiParams.time("time", "2023-11-14T22:13:20Z", 0)).isEqualTo(1_700_000_000_000L);
        assertThat(ApiParams.time("time", "2023-11-14T22:13:20.25Z", 0)).isEqualTo(1_700_000_000_250L);
        assertThat(ApiParams.time("time", null, 42)).isEqualTo(42);
    }

    @Test
    void badTimeNamesTheParameter() {
        assertThatThrownBy(() -> ApiParams.time("start", "yesterday", 0))
            .hasMessage("invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp");
    }

    @Test
    void durationsArePrometheusDurationsOrFloatSeconds() {
        assertThat(ApiParams.duration("step", "15")).isEqualTo(15_000);
        assertThat(ApiParams.duration("step", "0.5")).isEqualTo(500);
        assertThat(ApiParams.duration("step", "1m30s")).isEqualTo(90_000);
        assertThat(ApiParams.duration("step", "1h")).isEqualTo(3_600_000);
        assertThat(ApiParams.duration("step", "100ms")).isEqualTo(100);
        assertThatThrownBy(() -> ApiParams.duration("step", "1x")).hasMessageContaining("\"step\"");
    }
}
