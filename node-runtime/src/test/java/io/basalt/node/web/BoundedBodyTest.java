package io.basalt.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.node.admission.BodyBudget;
import io.basalt.node.admission.HeapPressure;
import io.basalt.node.admission.TooBusyException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Memory for a request body is reserved as its bytes arrive and held until the caller is done with them. */
class BoundedBodyTest {

    private static final long MAX = 64L << 20;

    @Test
    void aBodyThatDeclares64MiBAndSends1KbHoldsKilobytesNotTheDeclaredLength() {
        BodyBudget budget = new BodyBudget(1L << 20, HeapPressure.NONE);
        MockServerHttpRequest request = MockServerHttpRequest.post("/write").contentLength(64L << 20)
            .body(Flux.concat(Flux.just(chunk(1024)), Flux.never()));

        Disposable reading = BoundedBody.read(request, MAX, budget, Mono::just).subscribe();

        assertThat(budget.inFlight()).isPositive().isLessThanOrEqualTo(BoundedBody.INITIAL_CAPACITY);
        reading.dispose(); // the server drops the connection (body read timeout)
        assertThat(budget.inFlight()).isZero();
    }

    @Test
    void theBodyStaysReservedUntilTheCallerIsDoneWithIt() {
        BodyBudget budget = new BodyBudget(1L << 20, HeapPressure.NONE);
        MockServerHttpRequest request = MockServerHttpRequest.post("/write").contentLength(100_000)
            .body(Flux.just(chunk(60_000), chunk(40_000)));
        Sinks.One<String> stored = Sinks.one();

        Disposable handling = BoundedBody.read(request, MAX, budget, body -> stored.asMono()).subscribe();

        assertThat(budget.inFlight()).as("exactly the declared length, once it has all arrived").isEqualTo(100_000);
        stored.tryEmitValue("done");
        assertThat(budget.inFlight()).isZero();
        handling.dispose();
    }

    @Test
    void aBodyPastTheBudgetIsRefusedAsTooBusyCountedAndHoldsNothingAfterwards() {
        BodyBudget budget = new BodyBudget(16 * 1024, HeapPressure.NONE);
        MockServerHttpRequest request = MockServerHttpRequest.post("/write")
            .body(Flux.range(0, 16).map(i -> chunk(4096)));

        StepVerifier.create(BoundedBody.read(request, MAX, budget, Mono::just))
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TooBusyException.class)
                .hasMessageContaining("basalt.server.max-in-flight-body-bytes"))
            .verify(Duration.ofSeconds(5));
        assertThat(budget.refusals()).isEqualTo(1);
        assertThat(budget.inFlight()).isZero();
    }

    @Test
    void aBodyOverTheSizeLimitIsStillTooLargeAndGivesItsReservationBack() {
        BodyBudget budget = new BodyBudget(1L << 20, HeapPressure.NONE);
        MockServerHttpRequest request = MockServerHttpRequest.post("/write")
            .body(Flux.range(0, 8).map(i -> chunk(4096)));

        StepVerifier.create(BoundedBody.read(request, 20_000, budget, Mono::just))
            .expectError(PayloadTooLargeException.class)
            .verify(Duration.ofSeconds(5));
        assertThat(budget.inFlight()).isZero();
    }

    private static DataBuffer chunk(int size) {
        return DefaultDataBufferFactory.sharedInstance.wrap(new byte[size]);
    }
}
