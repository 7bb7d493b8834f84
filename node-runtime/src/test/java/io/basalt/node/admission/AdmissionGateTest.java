package io.basalt.node.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class AdmissionGateTest {

    @Test
    void requestBeyondConcurrencyWaitsForAFreeSlot() {
        AdmissionGate gate = new AdmissionGate("inserts", 1, 10, Duration.ofSeconds(5));
        Sinks.One<String> first = Sinks.one();
        AtomicInteger secondStarted = new AtomicInteger();

        gate.run(first::asMono).subscribe();
        Mono<String> second = gate.run(() -> {
            secondStarted.incrementAndGet();
            return Mono.just("second");
        });

        StepVerifier.create(second)
            .then(() -> {
                assertThat(secondStarted).hasValue(0);
                assertThat(gate.queued()).isEqualTo(1);
                first.tryEmitValue("first");
            })
            .expectNext("second")
            .verifyComplete();
        assertThat(gate.running()).isZero();
        assertThat(gate.queued()).isZero();
    }

    @Test
    void fullQueueIsRejectedAtOnce() {
        AdmissionGate gate = new AdmissionGate("selects", 1, 0, Duration.ofSeconds(5));
        gate.run(Mono::never).subscribe();

        StepVerifier.create(gate.run(() -> Mono.just(1)))
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TooBusyException.class)
                .hasMessageContaining("selects"))
            .verify();
    }

    @Test
    void waitingLongerThanMaxWaitFailsAndFreesTheQueueSlot() {
        AdmissionGate gate = new AdmissionGate("inserts", 1, 1, Duration.ofMillis(50));
        gate.run(Mono::never).subscribe();

        StepVerifier.create(gate.run(() -> Mono.just(1)))
            .expectError(TooBusyException.class)
            .verify(Duration.ofSeconds(5));
        assertThat(gate.queued()).isZero();
        assertThat(gate.running()).isEqualTo(1);
    }

    @Test
    void streamedAnswerHoldsItsSlotUntilTheLastElement() {
        AdmissionGate gate = new AdmissionGate("selects", 1, 0, Duration.ofSeconds(5));
        Sinks.Many<Integer> stream = Sinks.many().unicast().onBackpressureBuffer();

        StepVerifier.create(gate.runMany(stream::asFlux))
            .then(() -> stream.tryEmitNext(1))
            .expectNext(1)
            .then(() -> {
                assertThat(gate.running()).isEqualTo(1);
                StepVerifier.create(gate.run(() -> Mono.just(2))).expectError(TooBusyException.class).verify();
                stream.tryEmitComplete();
            })
            .verifyComplete();
        assertThat(gate.running()).isZero();
    }
}
