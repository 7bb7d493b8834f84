package io.basalt.node.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A node whose heap stays nearly full after a full collection refuses new work with 503 instead of failing. */
class HeapPressureTest {

    private static final long MB = 1024 * 1024;

    @Test
    void onlyAFullCollectionStartsPressureAndAnyLowReadingEndsIt() {
        HeapPressure heap = new HeapPressure(0.9, 0.8);

        heap.record(950 * MB, 1000 * MB, false);
        assertThat(heap.isHigh()).as("after a minor collection the old generation still holds garbage").isFalse();

        heap.record(950 * MB, 1000 * MB, true);
        assertThat(heap.isHigh()).isTrue();
        assertThat(heap.episodes()).isEqualTo(1);

        heap.record(850 * MB, 1000 * MB, true);
        assertThat(heap.isHigh()).as("between the two thresholds it stays as it was").isTrue();

        heap.record(500 * MB, 1000 * MB, false);
        assertThat(heap.isHigh()).isFalse();
    }

    @Test
    void aGateRefusesNewRequestsWhileTheHeapIsUnderPressureAndTakesThemAfterwards() {
        HeapPressure heap = new HeapPressure(0.9, 0.8);
        AdmissionGate gate = new AdmissionGate("inserts", 4, 16, Duration.ofSeconds(1), heap);

        heap.record(990 * MB, 1000 * MB, true);
        StepVerifier.create(gate.run(() -> Mono.just("stored")))
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TooBusyException.class)
                .hasMessageContaining("inserts: heap 99% full after garbage collection")
                .hasMessageContaining("retry later"))
            .verify();
        assertThat(gate.running()).isZero();

        heap.record(100 * MB, 1000 * MB, false);
        StepVerifier.create(gate.run(() -> Mono.just("stored"))).expectNext("stored").verifyComplete();
    }

    @Test
    void watchingThisJvmReadsRealCollections() {
        HeapPressure heap = HeapPressure.watchingThisJvm(0.99, 0.98);
        System.gc();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (heap.lastRatio() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no garbage collection notification within 10 s of System.gc()");
            }
            System.gc();
            Thread.onSpinWait();
        }
        assertThat(heap.lastRatio()).isBetween(0.0, 0.98);
        assertThat(heap.isHigh()).isFalse();
    }
}
