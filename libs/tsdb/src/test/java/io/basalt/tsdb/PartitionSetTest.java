package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.tsdb.index.SeriesRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionSetTest {

    private static final Path DIR = Path.of("partitions");

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aTimestampGetsTheDayOrMonthPartitionCoveringItOnceAndForAll() {
        PartitionSet days = new PartitionSet(DIR, false);
        Partition day = days.covering(at("2026-11-24T06:00:00Z"));
        assertThat(day.dir).isEqualTo(DIR.resolve("2026_11_24"));
        assertThat(days.covering(at("2026-11-24T23:59:59.999Z"))).isSameAs(day);
        assertThat(days.covering(at("2026-11-25T00:00:00Z")).dir).isEqualTo(DIR.resolve("2026_11_25"));

        PartitionSet months = new PartitionSet(DIR, true);
        assertThat(months.covering(at("2026-11-24T06:00:00Z")).dir).isEqualTo(DIR.resolve("2026_11"));
        assertThat(months.size()).isEqualTo(1);
    }

    @Test
    void aMonthThatWouldOverlapADayLeftByAnEarlierRunBecomesADay(@TempDir Path partitions) throws IOException {
        Files.createDirectories(partitions.resolve("2026_11_24")); // written while retention was short
        PartitionSet afterRetentionGrew = new PartitionSet(partitions, true);
        afterRetentionGrew.load(Long.MIN_VALUE, new SeriesRegistry(), new Quarantine(partitions.resolve("q")),
                Tombstones.load(partitions.resolve("tombstones")));

        assertThat(afterRetentionGrew.covering(at("2026-11-30T06:00:00Z")).dir)
            .isEqualTo(partitions.resolve("2026_11_30"));
        assertThat(afterRetentionGrew.covering(at("2026-12-01T06:00:00Z")).dir)
            .isEqualTo(partitions.resolve("2026_12"));
    }

    @Test
    void overlappingListsThePartitionsTouchingARangeOldestFirst() {
        PartitionSet set = new PartitionSet(DIR, false);
        Partition d24 = set.covering(at("2026-11-24T06:00:00Z"));
        Partition d26 = set.covering(at("2026-11-26T06:00:00Z"));
        Partition d28 = set.covering(at("2026-11-28T06:00:00Z"));

        assertThat(set.overlapping(at("2026-11-24T23:59:59.999Z"), at("2026-11-26T00:00:00Z"))).containsExactly(d24,
                d26);
        assertThat(set.overlapping(at("2026-11-25T00:00:00Z"), at("2026-11-30T00:00:00Z"))).containsExactly(d26, d28);
        assertThat(set.overlapping(at("2026-11-27T00:00:00Z"), at("2026-11-26T00:00:00Z"))).isEmpty();

        set.remove(d26);
        assertThat(set.all()).containsExactly(d24, d28);
        assertThat(set.covering(at("2026-11-26T07:00:00Z"))).isNotSameAs(d26);
    }
}
