package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class UninterruptedCallTest {

    @Test
    void aStartedCallWhoseSubscriberCancelsRunsToItsEndWithoutAnInterrupt() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();

        Disposable caller = UninterruptedCall.run(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                interrupted.set(true);
            }
            done.countDown();
        }).subscribe();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        caller.dispose();
        Thread.sleep(50); // an interrupt, if any, is delivered synchronously by dispose(); this only adds margin
        release.countDown();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
    }

    @Test
    void aCallWhoseSubscriberLeftBeforeItStartedIsNotRun() throws InterruptedException {
        Scheduler single = Schedulers.newSingle("uninterrupted-call-test");
        try {
            CountDownLatch busy = new CountDownLatch(1);
            single.schedule(() -> awaitQuietly(busy));
            AtomicBoolean ran = new AtomicBoolean();

            Disposable caller = UninterruptedCall.call(single, () -> ran.getAndSet(true)).subscribe();
            caller.dispose();
            busy.countDown();
            CountDownLatch drained = new CountDownLatch(1);
            single.schedule(drained::countDown);

            assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).isFalse();
        }
        finally {
            single.dispose();
        }
    }

    @Test
    void theCallsResultOrFailureIsWhatTheSubscriberGets() {
        assertThat(UninterruptedCall.call(() -> 42).block()).isEqualTo(42);
        assertThat(UninterruptedCall.run(() -> { }).blockOptional()).isEmpty();
        try {
            UninterruptedCall.call(() -> {
                throw new IllegalStateException("engine said no");
            }).block();
            throw new AssertionError("no failure");
        }
        catch (IllegalStateException e) {
            assertThat(e).hasMessage("engine said no");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
