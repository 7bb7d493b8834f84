package io.basalt.scrape.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failing server is tried again after doubling waits, never beyond the maximum, and at once after a success. */
class RetryBackoffTest {

    @Test
    void waitsDoubleUpToTheMaximumAndStartOverAfterAReset() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(30), Duration.ofMillis(200));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(backoff.nextMillis());
        }
        assertThat(waits).containsExactly(30L, 60L, 120L, 200L, 200L, 200L);

        backoff.reset();
        assertThat(backoff.nextMillis()).isEqualTo(30L);
    }

    @Test
    void aMaximumBelowTheMinimumWaitsTheMinimum() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1));
        assertThat(backoff.nextMillis()).isEqualTo(5000L);
        assertThat(backoff.nextMillis()).isEqualTo(5000L);
    }
}
