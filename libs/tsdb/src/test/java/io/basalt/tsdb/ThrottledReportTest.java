package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledReportTest {

    final AtomicLong now = new AtomicLong(1_000_000);

    final List<String> lines = new ArrayList<>();

    final ThrottledReport report = new ThrottledReport(10_000, now::get, lines::add);

    void at(long millis, long occurrences) {
        now.set(1_000_000 + millis);
        report.record(occurrences, n -> "dropped " + n);
    }

    @Test
    void theFirstOccurrenceIsReportedAtOnceAndLaterOnesOncePerIntervalWithTheirSum() {
        at(0, 3);
        at(1, 5);
        at(9_999, 2);
        at(10_000, 1);
        at(10_001, 4);

        assertThat(lines).containsExactly("dropped 3", "dropped 8");
    }

    @Test
    void aFloodOfOccurrencesGivesOneLinePerIntervalAndLosesNoCount() {
        for (int ms = 0; ms < 60_000; ms += 10) {
            at(ms, 1);
        }

        assertThat(lines).hasSize(6);
        assertThat(lines.stream().mapToLong(l -> Long.parseLong(l.substring("dropped ".length()))).sum())
            .isEqualTo(6000 - 999); // the last 999 wait for the next report
    }
}
