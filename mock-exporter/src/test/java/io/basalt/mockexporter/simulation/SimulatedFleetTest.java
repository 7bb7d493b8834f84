package io.basalt.mockexporter.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.mockexporter.exposition.FleetPage;
import io.basalt.mockexporter.exposition.ParsedPage;
import io.basalt.model.Labels;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.metadata.MetricType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedFleetTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static String page(SimulatedFleet fleet) {
        return new FleetPage(fleet, true).render(ExpositionFormat.PROMETHEUS_TEXT, null);
    }

    private static ParsedPage parsed(SimulatedFleet fleet) {
        return ParsedPage.parse(page(fleet), ExpositionFormat.PROMETHEUS_TEXT);
    }

    @Test
    void theSameSeedServesTheSamePagesTickAfterTick() {
        MockExporterProperties props = new MockExporterProperties();
        props.setPodChurnPerMinute(6);
        props.setMeanTimeBetweenRestarts(Duration.ofMinutes(1));
        SimulatedFleet a = new SimulatedFleet(props, new ManualClock(START));
        SimulatedFleet b = new SimulatedFleet(props, new ManualClock(START));

        for (long tick : List.of(1L, 2L, 17L, 90L, 200L)) {
            a.advanceTo(tick);
            b.advanceTo(tick);
            assertThat(page(a)).isEqualTo(page(b));
        }
    }

    @Test
    void scrapeTimesDoNotChangeTheValuesAtATick() {
        MockExporterProperties props = new MockExporterProperties();
        SimulatedFleet scrapedOften = new SimulatedFleet(props, new ManualClock(START));
        SimulatedFleet scrapedOnce = new SimulatedFleet(props, new ManualClock(START));

        for (long tick = 1; tick <= 120; tick++) {
            scrapedOften.advanceTo(tick);
            page(scrapedOften);
        }
        scrapedOnce.advanceTo(120);

        assertThat(page(scrapedOften)).isEqualTo(page(scrapedOnce));
    }

    @Test
    void anotherSeedServesOtherValuesOverTheSameSeries() {
        MockExporterProperties props = new MockExporterProperties();
        SimulatedFleet a = new SimulatedFleet(props, new ManualClock(START));
        props.setSeed(43);
        SimulatedFleet b = new SimulatedFleet(props, new ManualClock(START));
        a.advanceTo(30);
        b.advanceTo(30);

        ParsedPage pageA = parsed(a);
        ParsedPage pageB = parsed(b);
        assertThat(pageA.samples().keySet()).isEqualTo(pageB.samples().keySet());
        assertThat(pageA.samples()).isNotEqualTo(pageB.samples());
    }

    @Test
    void countersNeverDecreaseExceptWhenTheirPodRestarted() {
        MockExporterProperties props = new MockExporterProperties();
        props.setMeanTimeBetweenRestarts(Duration.ofSeconds(40));
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));
        Set<String> counters = counterSampleNames(fleet);
        fleet.advanceTo(1);
        ParsedPage previous = parsed(fleet);
        int resetsSeen = 0;

        for (long tick = 2; tick <= 300; tick++) {
            fleet.advanceTo(tick);
            ParsedPage current = parsed(fleet);
            long now = tick;
            Set<String> restarted = fleet.read(f -> f.pods().stream().filter(p -> p.startTick() == now)
                .map(SimulatedPod::name).collect(Collectors.toSet()));
            for (Map.Entry<Labels, Double> e : current.samples().entrySet()) {
                Labels series = e.getKey();
                if (!counters.contains(series.metricName())) {
                    continue;
                }
                double before = previous.samples().get(series);
                if (e.getValue() < before) {
                    assertThat(restarted).as("%s fell from %s to %s at tick %s", series, before, e.getValue(), tick)
                        .contains(series.get("pod"));
                    resetsSeen++;
                }
            }
            previous = current;
        }

        assertThat(fleet.restarts()).isGreaterThan(3);
        assertThat(resetsSeen).isPositive();
    }

    @Test
    void aRestartResetsCountersAndMovesTheStartTime() {
        MockExporterProperties props = new MockExporterProperties();
        props.setMeanTimeBetweenRestarts(Duration.ofSeconds(30));
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));
        fleet.advanceTo(5);
        ParsedPage before = parsed(fleet);
        long tick = 5;
        long restartsBefore = fleet.restarts();
        while (fleet.restarts() == restartsBefore && tick < 10_000) {
            before = parsed(fleet);
            fleet.advanceTo(++tick);
        }
        long restartTick = tick;
        String restarted = fleet.read(f -> f.pods().stream().filter(p -> p.startTick() == restartTick)
            .map(SimulatedPod::name).findFirst().orElseThrow());

        ParsedPage after = parsed(fleet);
        assertThat(after.value(Labels.of("__name__", "process_start_time_seconds", "pod", restarted)))
            .isEqualTo(START.getEpochSecond() + restartTick);
        assertThat(served(after, restarted)).isLessThan(served(before, restarted));
        assertThat(after.value(Labels.of("__name__", "rpc_duration_seconds_count", "pod", restarted)))
            .isEqualTo(served(after, restarted));
        assertThat(after.value(Labels.of("__name__", "process_cpu_seconds_total", "pod", restarted)))
            .isLessThan(before.value(Labels.of("__name__", "process_cpu_seconds_total", "pod", restarted)));
    }

    private static double served(ParsedPage page, String pod) {
        return page.series("http_requests_total").entrySet().stream().filter(e -> e.getKey().get("pod").equals(pod))
            .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void noRestartsWhenTurnedOff() {
        MockExporterProperties props = new MockExporterProperties();
        props.setMeanTimeBetweenRestarts(Duration.ZERO);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));

        fleet.advanceTo(3000);

        assertThat(fleet.restarts()).isZero();
    }

    @Test
    void churnReplacesPodsUnderNewNamesAtTheConfiguredRate() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(4);
        props.setPodChurnPerMinute(2);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));
        Set<String> everPods = new HashSet<>(podNames(fleet));

        fleet.advanceTo(59);
        assertThat(fleet.replacements()).isEqualTo(1);
        fleet.advanceTo(60 * 5);
        assertThat(fleet.replacements()).isEqualTo(10);

        List<String> pods = podNames(fleet);
        assertThat(pods).hasSize(4).doesNotHaveDuplicates().noneMatch(everPods::contains);
        Set<String> served = parsed(fleet).series("http_requests_total").keySet().stream().map(l -> l.get("pod"))
            .collect(Collectors.toSet());
        assertThat(served).containsExactlyInAnyOrderElementsOf(pods);
        // A replacement keeps its slot in the name, so dashboards can still group pods by slot.
        assertThat(pods).allMatch(p -> p.matches("api-[0-3]-[0-9a-z]+"));
    }

    @Test
    void replacementNamesNeverRepeat() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(2);
        props.setPodChurnPerMinute(60);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));
        Set<String> seen = new HashSet<>(podNames(fleet));

        for (long tick = 1; tick <= 500; tick++) {
            fleet.advanceTo(tick);
            for (String pod : podNames(fleet)) {
                seen.add(pod);
            }
        }

        assertThat(seen).hasSize(2 + 500);
    }

    @Test
    void trafficMovesFromTickToTickAndBursts() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(1);
        props.setMeanTimeBetweenRestarts(Duration.ZERO);
        SimulatedFleet fleet = new SimulatedFleet(props, new ManualClock(START));
        List<Double> rates = new ArrayList<>();

        for (long tick = 1; tick <= 1800; tick++) {
            fleet.advanceTo(tick);
            rates.add(fleet.read(f -> f.pods().get(0).requestRate(0, 0)));
        }

        double min = rates.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(new HashSet<>(rates)).hasSizeGreaterThan(1000);
        assertThat(max / min).as("swings and bursts").isGreaterThan(3);
    }

    @Test
    void theWallClockDrivesTicksAndALongIdleIsSkippedNotReplayed() {
        MockExporterProperties props = new MockExporterProperties();
        props.setStep(Duration.ofMillis(500));
        ManualClock clock = new ManualClock(START);
        SimulatedFleet fleet = new SimulatedFleet(props, clock);

        clock.advance(Duration.ofSeconds(15));
        fleet.advanceToNow();
        assertThat(fleet.tick()).isEqualTo(30);

        clock.advance(Duration.ofDays(1));
        fleet.advanceToNow();
        assertThat(fleet.tick()).isEqualTo(30 + 2 * 86_400);
    }

    @Test
    void aScaleBeyondTheMemoryBoundFailsNamingTheSettings() {
        MockExporterProperties props = new MockExporterProperties();
        props.setInstances(10_000);
        props.setPaths(10_000);

        assertThatThrownBy(() -> new SimulatedFleet(props, new ManualClock(START)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("basalt.mock-exporter.instances");
    }

    private static List<String> podNames(SimulatedFleet fleet) {
        return fleet.read(f -> f.pods().stream().map(SimulatedPod::name).toList());
    }

    /** Sample names of counters and of the monotonic parts of histograms and summaries. */
    private static Set<String> counterSampleNames(SimulatedFleet fleet) {
        ParsedPage page = parsed(fleet);
        Set<String> names = new HashSet<>();
        page.familyOf().forEach((labels, family) -> {
            boolean counter = family.type() == MetricType.COUNTER;
            boolean histogramPart = family.type() == MetricType.HISTOGRAM;
            boolean summaryPart = family.type() == MetricType.SUMMARY && !labels.has("quantile");
            if (counter || histogramPart || summaryPart) {
                names.add(labels.metricName());
            }
        });
        assertThat(names).contains("http_requests_total", "http_request_duration_seconds_bucket",
                "rpc_duration_seconds_count", "process_cpu_seconds_total", "jvm_gc_collections_total");
        return names;
    }
}
