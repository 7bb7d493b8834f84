package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.scrape.config.ScrapeLimits;
import org.junit.jupiter.api.Test;

class LabelLimitsTest {

    private static ScrapeLimits limits(long labels, long nameLength, long valueLength) {
        return new ScrapeLimits(0, 0, labels, nameLength, valueLength, 0);
    }

    @Test
    void lengthsAreCountedInUtf8BytesAsPrometheusCountsThem() {
        // "é" is one character and two bytes; "€" three bytes; the emoji four.
        Labels labels = Labels.of("__name__", "m", "city", "Orléans", "sign", "€€", "face", "\uD83D\uDE00");

        assertThatCode(() -> ScrapeLoop.checkLabelLimits(labels, limits(0, 0, 8))).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScrapeLoop.checkLabelLimits(labels, limits(0, 0, 7)))
                .hasMessage("label_value_length_limit exceeded (metric: m, label name: city, value: \"Orléans\", "
                        + "length: 8, limit: 7)");
        assertThatThrownBy(() -> ScrapeLoop.checkLabelLimits(Labels.of("__name__", "m", "face", "\uD83D\uDE00"),
                limits(0, 0, 3))).hasMessageContaining("length: 4, limit: 3");
    }

    @Test
    void theLabelCountIncludesTheMetricName() {
        Labels labels = Labels.of("__name__", "m", "a", "1", "b", "2");

        assertThatCode(() -> ScrapeLoop.checkLabelLimits(labels, limits(3, 0, 0))).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScrapeLoop.checkLabelLimits(labels, limits(2, 0, 0)))
                .hasMessage("label_limit exceeded (metric: m, number of labels: 3, limit: 2)");
    }

    @Test
    void longNamesAndValuesAreCutToFiftyCharactersInTheMessage() {
        String longName = "n".repeat(60);
        assertThatThrownBy(() -> ScrapeLoop.checkLabelLimits(Labels.of("__name__", "m", longName, "v"),
                limits(0, 10, 0)))
                .hasMessage("label_name_length_limit exceeded (metric: m, label name: " + "n".repeat(50)
                        + ", length: 60, limit: 10)");
    }
}
