package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EngineConfigTest {

    @ParameterizedTest
    @CsvSource({ "12h,PT12H", "30d,PT720H", "4w,PT672H", "1y,PT8760H", "1.5d,PT36H", "3,PT2232H" })
    void retentionPeriodsParseLikeVictoriaMetrics(String text, String expected) {
        assertThat(RetentionPeriod.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "1x", "-1d", "d", "30m" })
    void invalidRetentionPeriodsNameTheSetting(String text) {
        assertThatThrownBy(() -> RetentionPeriod.parse(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("retentionPeriod");
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        EngineConfig c = EngineConfig.builder(Path.of("data")).build();
        assertThat(c.retention()).isEqualTo(Duration.ofDays(365));
        assertThat(c.fsync()).isEqualTo(FsyncPolicy.DEFAULT);
        assertThat(c.fsync().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.dedupInterval()).isZero();
        assertThat(c.futureRetention()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void invalidValuesAreRejectedWithTheSettingsName() {
        var b = EngineConfig.builder(Path.of("data"));
        assertThatThrownBy(() -> b.dedupInterval(Duration.ofSeconds(-1)).build())
            .hasMessageContaining("dedup.minScrapeInterval");
        assertThatThrownBy(() -> EngineConfig.builder(Path.of("d")).minFreeDiskSpaceBytes(-1).build())
            .hasMessageContaining("minFreeDiskSpaceBytes");
        assertThatThrownBy(() -> EngineConfig.builder(null).build()).hasMessageContaining("dataPath");
        assertThatThrownBy(() -> EngineConfig.builder(Path.of("d")).futureRetention(Duration.ZERO).build())
            .hasMessageContaining("futureRetention");
        assertThatThrownBy(() -> FsyncPolicy.parse("sometimes")).hasMessageContaining("fsync");
    }

    @Test
    void fsyncPolicyParsesAlwaysAndIntervals() {
        assertThat(FsyncPolicy.parse("always").always()).isTrue();
        assertThat(FsyncPolicy.parse("250ms").interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(FsyncPolicy.parse("1s")).isEqualTo(FsyncPolicy.DEFAULT);
    }
}
