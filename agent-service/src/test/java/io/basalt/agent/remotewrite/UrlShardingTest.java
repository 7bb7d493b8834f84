package io.basalt.agent.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UrlShardingTest {

    private static final long[] THREE = urls("http://a/api/v1/write", "http://b/api/v1/write", "http://c/api/v1/write");

    private static long[] urls(String... urls) {
        long[] out = new long[urls.length];
        for (int i = 0; i < urls.length; i++) {
            out[i] = UrlSharding.urlHash(urls[i]);
        }
        return out;
    }

    private static List<TimeSeries> series(int n) {
        List<TimeSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TimeSeries.single(Labels.of("__name__", "m", "instance", "host-" + i, "job", "j" + i % 7), 1, i));
        }
        return out;
    }

    /** For each series, the indexes of the URLs that got it. */
    private static Map<TimeSeries, Set<Integer>> placement(List<List<TimeSeries>> shares) {
        Map<TimeSeries, Set<Integer>> out = new IdentityHashMap<>();
        for (int url = 0; url < shares.size(); url++) {
            for (TimeSeries ts : shares.get(url)) {
                out.computeIfAbsent(ts, k -> new HashSet<>()).add(url);
            }
        }
        return out;
    }

    @Test
    void eachSeriesGoesToExactlyOneUrlAndTheUrlsShareTheLoad() {
        List<TimeSeries> all = series(3000);
        List<List<TimeSeries>> shares = new UrlSharding(1, Set.of()).split(all, THREE);

        assertThat(placement(shares)).hasSize(3000).allSatisfy((ts, to) -> assertThat(to).hasSize(1));
        assertThat(shares).allSatisfy(share -> assertThat(share.size()).isBetween(800, 1200));
    }

    @Test
    void replicasSendEachSeriesToThatManyDistinctUrls() {
        Map<TimeSeries, Set<Integer>> twice = placement(new UrlSharding(2, Set.of()).split(series(600), THREE));
        Map<TimeSeries, Set<Integer>> tooMany = placement(new UrlSharding(5, Set.of()).split(series(10), THREE));

        assertThat(twice).hasSize(600).allSatisfy((ts, to) -> assertThat(to).hasSize(2));
        assertThat(tooMany).allSatisfy((ts, to) -> assertThat(to).containsExactlyInAnyOrder(0, 1, 2));
    }

    @Test
    void chosenLabelsKeepSeriesThatShareThemTogether() {
        UrlSharding byJob = new UrlSharding(1, Set.of("job"));
        Map<TimeSeries, Set<Integer>> placed = placement(byJob.split(series(700), THREE));

        Map<String, Set<Integer>> urlsPerJob = new java.util.HashMap<>();
        placed.forEach((ts, to) -> urlsPerJob.computeIfAbsent(ts.labels().get("job"), k -> new HashSet<>()).addAll(to));
        assertThat(urlsPerJob).hasSize(7).allSatisfy((job, to) -> assertThat(to).hasSize(1));
    }

    @Test
    void addingAUrlMovesOnlyTheSeriesItNowTakes() {
        List<TimeSeries> all = series(4000);
        UrlSharding sharding = new UrlSharding(1, Set.of());
        Map<TimeSeries, Set<Integer>> before = placement(sharding.split(all, THREE));
        Map<TimeSeries, Set<Integer>> after = placement(sharding.split(all, urls("http://a/api/v1/write",
                "http://b/api/v1/write", "http://c/api/v1/write", "http://d/api/v1/write")));

        long moved = all.stream().filter(ts -> !before.get(ts).equals(after.get(ts))).count();
        assertThat(all).filteredOn(ts -> !before.get(ts).equals(after.get(ts)))
                .allSatisfy(ts -> assertThat(after.get(ts)).containsExactly(3));
        assertThat(moved).isBetween(800L, 1200L);
    }

    @Test
    void thePlacementIsTheSameForEveryAgentAndEveryOrderOfEqualSeries() {
        List<TimeSeries> a = series(50);
        List<TimeSeries> b = series(50);
        List<List<TimeSeries>> first = new UrlSharding(1, Set.of()).split(a, THREE);
        List<List<TimeSeries>> second = new UrlSharding(1, Set.of()).split(b, THREE);

        for (int url = 0; url < 3; url++) {
            assertThat(second.get(url)).isEqualTo(first.get(url));
        }
    }
}
