package io.basalt.insert.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which blocks a pass compares, and the repair lag that tells whether they were. */
class TimeBlocksTest {

    private static final long HOUR = 3_600_000;

    private static final Duration SETTLE = Duration.ofMinutes(10);

    @Test
    void onlyBlocksEndedLongerAgoThanTheSettleDelayAreClosed() {
        long now = 10 * HOUR + 5 * 60_000; // 10:05: the 9:00 block ended 5 minutes ago
        List<TimeBlock> closed = TimeBlock.closed(now, Duration.ofHours(1), SETTLE, Duration.ofHours(3));

        assertThat(closed).extracting(TimeBlock::start).containsExactly(6 * HOUR, 7 * HOUR, 8 * HOUR);
    }

    @Test
    void theLagIsTheAgeOfTheOldestUnverifiedBlockSinceItClosed() {
        VerifiedBlocks blocks = new VerifiedBlocks(Duration.ofHours(1), SETTLE, Duration.ofHours(3), 0);
        long now = 10 * HOUR + 20 * 60_000;
        List<TimeBlock> closed = blocks.closed(now);
        assertThat(closed).hasSize(3);

        closed.forEach(blocks::verified);
        assertThat(blocks.lagMillis(now)).isZero();

        long later = 11 * HOUR + 30 * 60_000; // the 10:00 block closed at 11:10 and is not verified
        assertThat(blocks.lagMillis(later)).isEqualTo(20 * 60_000);
    }

    @Test
    void blocksClosedBeforeTheRepairerStartedCountFromItsStart() {
        long started = 10 * HOUR;
        VerifiedBlocks blocks = new VerifiedBlocks(Duration.ofHours(1), SETTLE, Duration.ofHours(24), started);

        assertThat(blocks.lagMillis(started + 60_000)).isEqualTo(60_000);
    }
}
