package io.basalt.insert.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantSeriesLimitTest {

    private static final long HOUR = 3_600_000L;

    private final AtomicLong now = new AtomicLong(1_000_000);

    private final TenantSeriesLimit limit = new TenantSeriesLimit(3, now::get);

    private final List<TimeSeries> rejected = new ArrayList<>();

    private static final TenantId TENANT = new TenantId(1, 0);

    @Test
    void newSeriesBeyondTheCapAreRejectedWhileKnownOnesKeepFlowing() {
        assertThat(admit(TENANT, "a", "b", "c")).containsExactly("a", "b", "c");

        assertThat(admit(TENANT, "a", "d", "b", "e", "c")).containsExactly("a", "b", "c");

        assertThat(names(rejected)).containsExactly("d", "e");
        assertThat(limit.activeSeries(TENANT)).isEqualTo(3);
    }

    @Test
    void tenantsHaveSeparateCaps() {
        admit(TENANT, "a", "b", "c");

        assertThat(admit(new TenantId(2, 0), "x", "y", "z")).containsExactly("x", "y", "z");
        assertThat(admit(new TenantId(1, 1), "a")).containsExactly("a");
    }

    @Test
    void aSeriesSeenWithinTheLastHourStillCounts() {
        admit(TENANT, "a", "b", "c");
        now.addAndGet(HOUR / 2);
        admit(TENANT, "a");
        now.addAndGet(HOUR * 3 / 4);

        assertThat(admit(TENANT, "d")).as("a was seen 45 minutes ago, b and c 75 minutes ago").isEmpty();
        assertThat(admit(TENANT, "a")).containsExactly("a");
    }

    @Test
    void seriesNotSeenForTwoHoursAreForgotten() {
        admit(TENANT, "a", "b", "c");
        now.addAndGet(2 * HOUR);

        assertThat(admit(TENANT, "d", "e", "f")).containsExactly("d", "e", "f");
        assertThat(limit.activeSeries(TENANT)).isEqualTo(3);
    }

    @Test
    void zeroTurnsTheLimitOff() {
        TenantSeriesLimit off = new TenantSeriesLimit(0, now::get);
        List<TimeSeries> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(series("s" + i));
        }

        assertThat(off.admit(TENANT, many, rejected::add)).isSameAs(many);
        assertThat(off.isEnabled()).isFalse();
    }

    @Test
    void theHashSetGrowsAndRemembersEveryValueIncludingZero() {
        HashWindow.LongSet set = new HashWindow.LongSet();
        for (long v = -5000; v <= 5000; v += 1) {
            set.add(v * 0x9E3779B97F4A7C15L);
        }
        set.add(0);
        assertThat(set.size()).isEqualTo(10_001);
        for (long v = -5000; v <= 5000; v += 1) {
            assertThat(set.contains(v * 0x9E3779B97F4A7C15L)).isTrue();
        }
        assertThat(set.contains(12345)).isFalse();
    }

    private List<String> admit(TenantId tenant, String... names) {
        List<TimeSeries> in = new ArrayList<>();
        for (String n : names) {
            in.add(series(n));
        }
        return names(limit.admit(tenant, in, rejected::add));
    }

    private static TimeSeries series(String name) {
        return TimeSeries.single(Labels.of("__name__", name), 1, 1);
    }

    private static List<String> names(List<TimeSeries> series) {
        return series.stream().map(s -> s.labels().metricName()).toList();
    }
}
