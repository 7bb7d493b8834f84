package io.basalt.mockexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.wire.exposition.ExpositionFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class ScrapeNegotiationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Prometheus 2.x scrape header: OpenMetrics ranked first.
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | OPENMETRICS",
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1 | OPENMETRICS",
        "application/openmetrics-text | OPENMETRICS",
        "Application/OpenMetrics-Text; version=1.0.0 | OPENMETRICS",
        // Text ranked above OpenMetrics, or OpenMetrics refused or of a version we do not write.
        "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5 | PROMETHEUS_TEXT",
        "application/openmetrics-text;q=0 | PROMETHEUS_TEXT",
        "application/openmetrics-text;version=2.0.0 | PROMETHEUS_TEXT",
        "application/openmetrics-text;q=0.5,*/* | PROMETHEUS_TEXT",
        "text/plain | PROMETHEUS_TEXT",
        "*/* | PROMETHEUS_TEXT",
        "application/json | PROMETHEUS_TEXT",
        "application/openmetrics-text;q=nonsense | PROMETHEUS_TEXT",
    })
    void formatFollowsTheScrapersRanking(String accept, ExpositionFormat expected) {
        assertThat(ScrapeNegotiation.format(accept)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noAcceptHeaderGetsText(String accept) {
        assertThat(ScrapeNegotiation.format(accept)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gzip | true",
        "gzip, deflate, br | true",
        "deflate, GZIP;q=0.5 | true",
        "x-gzip | true",
        "* | true",
        "identity | false",
        "gzip;q=0 | false",
        "gzip;q=0, * | false",
        "br, *;q=0 | false",
    })
    void gzipOnlyWhenAccepted(String acceptEncoding, boolean expected) {
        assertThat(ScrapeNegotiation.gzip(acceptEncoding)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noAcceptEncodingGetsIdentity(String acceptEncoding) {
        assertThat(ScrapeNegotiation.gzip(acceptEncoding)).isFalse();
    }
}
