package io.basalt.wire.exposition;

import static io.basalt.wire.exposition.ExpositionParser.NO_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A scraper's cache sees each series as the page writes it and can take known series without a label parse. */
class SeriesTextListenerTest {

    /** Records both kinds of sample; takes the series whose text it was told it knows. */
    private static final class Cache implements SeriesTextListener {

        final Set<String> known;

        final List<String> events = new ArrayList<>();

        Cache(Set<String> known) {
            this.known = known;
        }

        @Override
        public void family(MetricMetadata family) {
            events.add("family " + family.family());
        }

        @Override
        public boolean sampleOfKnownSeries(MetricMetadata family, byte[] page, int from, int to, double value,
                long ts) {
            String text = new String(page, from, to - from, StandardCharsets.UTF_8);
            if (!known.contains(text)) {
                events.add("offered " + text);
                return false;
            }
            events.add("known " + text + " " + value + " " + ts + " in " + family.family());
            return true;
        }

        @Override
        public void sample(MetricMetadata family, Labels labels, double value, long ts) {
            events.add("parsed " + labels + " " + value);
        }
    }

    private static List<String> parse(ExpositionFormat format, Set<String> known, String page) {
        Cache cache = new Cache(known);
        new ExpositionParser(format).parse(page.getBytes(StandardCharsets.UTF_8), cache);
        return cache.events;
    }

    @Test
    void knownSeriesAreTakenByTheirTextAndNewOnesAreParsed() {
        List<String> events = parse(ExpositionFormat.PROMETHEUS_TEXT,
                Set.of("http_requests_total{path=\"/a}b\",code=\"200\"}", "up"), """
                # TYPE http_requests_total counter
                http_requests_total{path="/a}b",code="200"} 7 1700000000123
                http_requests_total{path="/c",code="500"} 2
                # TYPE up gauge
                up 1
                """);

        assertThat(events).containsExactly("family http_requests_total",
                "known http_requests_total{path=\"/a}b\",code=\"200\"} 7.0 1700000000123 in http_requests_total",
                "offered http_requests_total{path=\"/c\",code=\"500\"}",
                "parsed http_requests_total{code=\"500\", path=\"/c\"} 2.0",
                "family up", "known up 1.0 " + NO_TIMESTAMP + " in up");
    }

    @Test
    void escapedQuotesDoNotEndTheLabelSetEarly() {
        String series = "m{q=\"say \\\"}\\\" \\\\\"}";
        List<String> events = parse(ExpositionFormat.PROMETHEUS_TEXT, Set.of(series), series + " 3\n");

        assertThat(events).containsExactly("family m", "known " + series + " 3.0 " + NO_TIMESTAMP + " in m");
    }

    @Test
    void openMetricsTimestampsOfKnownSeriesAreConvertedToMilliseconds() {
        List<String> events = parse(ExpositionFormat.OPENMETRICS, Set.of("a"), "a 1 1700000000.5\n# EOF\n");

        assertThat(events).contains("known a 1.0 1700000000500 in a");
    }

    @Test
    void aKnownSeriesWithABrokenValueIsStillAnError() {
        assertThatThrownBy(() -> parse(ExpositionFormat.PROMETHEUS_TEXT, Set.of("m{a=\"1\"}"), "m{a=\"1\"} x1\n"))
                .isInstanceOf(ExpositionParseException.class).hasMessageContaining("invalid value");
        assertThatThrownBy(() -> parse(ExpositionFormat.PROMETHEUS_TEXT, Set.of("m{a=\"1\"}"), "m{a=\"1\"} 1 z\n"))
                .isInstanceOf(ExpositionParseException.class).hasMessageContaining("invalid timestamp");
        assertThatThrownBy(() -> parse(ExpositionFormat.PROMETHEUS_TEXT, Set.of("m{a=\"1\"}"), "m{a=\"1\"}\n"))
                .isInstanceOf(ExpositionParseException.class).hasMessageContaining("missing value");
    }
}
